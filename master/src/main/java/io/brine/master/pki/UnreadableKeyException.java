package io.brine.master.pki;

import java.io.IOException;

/**
 * An entry is there but holds no key text a store may use: in the folder a link, a folder or a file
 * far too large to be a key; in a shared store a row whose integrity tag does not match (a database
 * writer changed or inserted it). Whatever it holds is never treated as a key.
 */
public final class UnreadableKeyException extends IOException {
  private static final long serialVersionUID = 1L;

  /** True when the store has logged the problem already (once per entry, not per read). */
  private final boolean logged;

  /**
   * @param logged true when the store has warned about this entry already: a refusal because of it
   *     is then logged at debug, so a minion retrying every few seconds adds no WARN lines
   */
  public UnreadableKeyException(String message, boolean logged) {
    super(message);
    this.logged = logged;
  }

  public UnreadableKeyException(IOException cause) {
    super(cause.getMessage(), cause);
    this.logged = false;
  }

  public boolean logged() {
    return logged;
  }
}
