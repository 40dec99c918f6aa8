package io.brine.master.pki.shared;

import io.brine.common.log.LogText;
import io.brine.master.pki.KeysUnavailable;
import io.brine.vault.storage.postgresql.DatabaseFailure;
import java.io.IOException;
import java.sql.SQLException;

/** The database could not be asked or refused a statement: one line for the operator. */
final class SqlFailure extends IOException {
  private static final long serialVersionUID = 1L;

  /** What a minion is told when the database cannot be reached: nothing of where it is. */
  static final String UNREACHABLE =
      "this master cannot reach the cluster's minion keys (its database); try again or another"
          + " master";

  /** Longest reason quoted from the driver or the pool. */
  private static final int MAX_REASON_CHARS = 300;

  SqlFailure(SQLException cause) {
    super("minion key store (PostgreSQL) failed: " + reason(cause), cause);
  }

  /** The driver's first line: its messages name the host and port, never the password. */
  private static String reason(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return LogText.escape(
        (newline < 0 ? message : message.substring(0, newline)).strip(), MAX_REASON_CHARS);
  }

  SQLException sql() {
    return (SQLException) getCause();
  }

  /**
   * This failure as a handshake reports it: {@link KeysUnavailable} when the database cannot be
   * reached (the vault storage's rule, {@link DatabaseFailure#isConnectionLost}), which the
   * minion hears as SEALED, "retry later"; else this failure itself.
   */
  IOException unreachableOrThis() {
    if (!DatabaseFailure.isConnectionLost(sql())) {
      return this;
    }
    return new KeysUnavailable(
        "minion key store (PostgreSQL) unreachable: " + DatabaseFailure.reason(sql()),
        UNREACHABLE,
        this);
  }

  /** A serialization failure or a deadlock: the same transaction again may well succeed. */
  static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }
}
