package io.brine.master.pki.shared;

import java.io.IOException;
import java.sql.SQLException;

/** The database could not be asked or refused a statement: one line for the operator. */
final class SqlFailure extends IOException {
  private static final long serialVersionUID = 1L;

  SqlFailure(SQLException cause) {
    super("minion key store (PostgreSQL) failed: " + cause.getMessage(), cause);
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
