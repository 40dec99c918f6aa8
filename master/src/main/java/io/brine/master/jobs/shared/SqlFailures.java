package io.brine.master.jobs.shared;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Turns a driver's {@link SQLException} into the one-line {@link IOException} the job store's
 * callers get: {@link DatabaseUnavailableException} when the database cannot be reached, a plain
 * IOException naming what failed otherwise. pgJDBC's messages name the host and port, never the
 * password; only their first line is kept, so a server's DETAIL or HINT never spans a log line.
 */
final class SqlFailures {
  private SqlFailures() {}

  /**
   * @param doing what the store was doing, for the message ("cannot store returns")
   */
  static IOException describe(String doing, SQLException e) {
    if (unavailable(e)) {
      return new DatabaseUnavailableException("PostgreSQL unreachable: " + rootMessage(e), e);
    }
    return new IOException(doing + ": " + firstLine(e.getMessage()), e);
  }

  /** A lost or refused connection, a server going down, or a pool with none to give. */
  static boolean unavailable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now.
        if (state.startsWith("08") || state.startsWith("57P0")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Deadlock or serialization failure: PostgreSQL asks the client to run the transaction again. */
  static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40P01".equals(state) || "40001".equals(state);
  }

  /** The innermost cause's message: the pool's "timed out" says less than the driver's "refused". */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return firstLine(message == null ? root.getClass().getSimpleName() : message);
  }

  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int end = message.indexOf('\n');
    String line = (end < 0 ? message : message.substring(0, end)).strip();
    return line.replaceAll("\\p{Cntrl}", " ");
  }
}
