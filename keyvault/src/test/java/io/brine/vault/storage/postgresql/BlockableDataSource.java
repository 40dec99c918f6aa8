package io.brine.vault.storage.postgresql;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A real pool's {@link DataSource} that a test can block: while blocked, {@link #getConnection()}
 * waits, as a master does whose process is paused or whose network to the database is cut. It is
 * the fault injector for the HA lock's renewals, as the file storage's WriteStepObserver is for the
 * disk; the connections it hands out are the pool's own.
 */
final class BlockableDataSource implements DataSource {
  private final DataSource pool;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  BlockableDataSource(DataSource pool) {
    this.pool = pool;
  }

  void block() {
    gate = new CountDownLatch(1);
  }

  void unblock() {
    gate.countDown();
  }

  @Override
  public Connection getConnection() throws SQLException {
    awaitGate();
    return pool.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    awaitGate();
    return pool.getConnection(username, password);
  }

  private void awaitGate() throws SQLException {
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while blocked", e);
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return pool.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return pool.isWrapperFor(type);
  }
}
