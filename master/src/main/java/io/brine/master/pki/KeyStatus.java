package io.brine.master.pki;

/**
 * Where a minion's public key sits in the PKI folder, as in Salt. The folder names double as the
 * keys of {@code brine key --out json}, which is Salt's shape.
 */
public enum KeyStatus {
  /** {@code minions/}: the minion may authenticate with this key. */
  ACCEPTED("minions"),
  /** {@code minions_pre/}: waiting for an operator ("unaccepted" in salt-key). */
  PENDING("minions_pre"),
  /** {@code minions_rejected/}: the id is refused whatever key it presents. */
  REJECTED("minions_rejected"),
  /** {@code minions_denied/}: a second, different key seen for an accepted or pending id. */
  DENIED("minions_denied");

  private final String dirName;

  KeyStatus(String dirName) {
    this.dirName = dirName;
  }

  /** The folder under {@code <pki_dir>/master/}, e.g. {@code minions_pre}. */
  public String dirName() {
    return dirName;
  }
}
