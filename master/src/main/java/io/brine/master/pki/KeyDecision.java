package io.brine.master.pki;

import java.util.Locale;

/**
 * A decision on a minion's key: an operator's ({@code brine key -a/-r/-d/--import}) or the
 * master's own.
 */
public enum KeyDecision {
  ACCEPT,
  REJECT,
  DELETE,
  /** Salt's {@code auto_accept}. */
  AUTO_ACCEPT,
  /** An id matched by {@code autosign_file}. */
  AUTOSIGN,
  /** An id matched by {@code autoreject_file}. */
  AUTOREJECT,
  /** A second key for an id that has one, written to {@code minions_denied}. */
  DENIED,
  /** An operator's {@code brine key --import}: a key copied in from another master's folder. */
  IMPORT;

  /** "accept", "auto_accept", ...: the audit log's names. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
