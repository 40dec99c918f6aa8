package io.brine.master.pki;

import java.io.IOException;
import java.util.Objects;

/**
 * A key store that cannot decide now for a reason of the master's, not the minion's: a cluster
 * master whose row key is not loaded from the barrier yet (a standby before the active made it, or
 * a load that failed and is tried again), or whose database cannot be reached. A handshake that meets it is
 * answered SEALED, "retry later" (docs/protocol.md §2.4): the minion backs off or moves on to the
 * next master, as from a sealed master, instead of losing its connection as if it had done wrong.
 */
public final class KeysUnavailable extends IOException {
  private static final long serialVersionUID = 1L;

  private final String answer;

  /**
   * @param message the operator's line: may name the database's address and the driver's reason
   * @param answer what a minion is told in the SEALED answer, which goes unauthenticated to
   *     whoever sent a HELLO: never an address, a path or a driver's text
   */
  public KeysUnavailable(String message, String answer, Throwable cause) {
    super(message, cause);
    this.answer = Objects.requireNonNull(answer, "answer");
  }

  /** The reason a SEALED answer gives: short, and safe to tell a stranger. */
  public String answer() {
    return answer;
  }
}
