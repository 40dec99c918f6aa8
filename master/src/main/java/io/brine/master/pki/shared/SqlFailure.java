package io.brine.master.pki.shared;

import io.brine.common.log.LogText;
import java.io.IOException;
import java.sql.SQLException;

/** The database could not be asked or refused a statement: one line for the operator. */
final class SqlFailure extends IOException {
  private static final long serialVersionUID = 1L;

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

  /** A serialization failure or a deadlock: the same transaction again may well succeed. */
  static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }
}
