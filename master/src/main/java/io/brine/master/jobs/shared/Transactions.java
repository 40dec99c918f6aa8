package io.brine.master.jobs.shared;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two things every transaction here does on its way out, neither of which may hide the
 * failure that ended it: after a lost connection, the pool has closed it, and a rollback or a
 * reset of auto-commit on it throws "connection is closed" instead of the reason.
 */
final class Transactions {
  private static final Logger log = LoggerFactory.getLogger(Transactions.class);

  private Transactions() {}

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("job store: rollback failed (the transaction went with its connection)", e);
    }
  }

  /** Back to auto-commit before the connection returns to the pool (a closed one needs none). */
  static void restoreAutoCommit(Connection c) {
    try {
      if (!c.isClosed()) {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      log.debug("job store: cannot reset auto-commit; the pool drops the connection", e);
    }
  }
}
