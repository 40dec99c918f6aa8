package io.brine.vault.storage.postgresql;

import io.brine.vault.VaultException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the driver and the pool throw into the one-line {@link VaultException} an operator
 * reads: "PostgreSQL storage unreachable at db.example:5432: Connection refused". The stack trace
 * goes to the log at debug; the password never appears, even if a driver message were to quote it.
 *
 * <p>Public for its two static rules ({@link #isConnectionLost}, {@link #reason}), which the
 * master's own stores on the same database classify their failures by: one rule for "cannot be
 * reached" everywhere.
 */
public final class DatabaseFailure {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseFailure.class);

  /** Longest reason quoted from the driver or the server. */
  private static final int MAX_REASON_CHARS = 300;

  /** A password shorter than this is not searched for: it would blank unrelated text. */
  private static final int MIN_SCRUBBED_SECRET = 4;

  private final String address;
  private final String secret;

  DatabaseFailure(ConnectionUrl url) {
    this.address = url.address();
    this.secret = url.password();
  }

  String address() {
    return address;
  }

  /** {@code operation} is what failed, in words: "read of core/seal-config", "HA lock renewal". */
  VaultException of(String operation, SQLException e) {
    String message = describe(operation, e);
    LOG.debug("{}", message, e);
    return new VaultException(message);
  }

  /** The one-line description of {@code e}, for {@link #of} and for log lines. */
  String describe(String operation, SQLException e) {
    String state = sqlState(e);
    String message;
    if (isConnectionLost(e)) {
      message = "PostgreSQL storage unreachable at " + address + ": " + reason(e);
    } else if (state != null && (state.startsWith("28") || state.equals("3D000"))) {
      message = "PostgreSQL storage at " + address + " refused the connection: " + reason(e);
    } else if (e instanceof SQLTransientConnectionException) {
      // The pool timed out with no failure to connect behind it: every connection is in use.
      message =
          "PostgreSQL storage busy: no free connection for the "
              + operation
              + " (raise max_parallel?)";
    } else {
      message = "PostgreSQL storage " + operation + " failed: " + reason(e);
    }
    return scrub(message);
  }

  /**
   * Whether {@code e} says the database cannot be reached or dropped the connection (SQLSTATE class
   * 08, a server shutting down, a socket failure), as opposed to refusing a statement.
   */
  public static boolean isConnectionLost(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && (state.startsWith("08")
                || state.equals("57P01") // admin_shutdown
                || state.equals("57P02") // crash_shutdown
                || state.equals("57P03"))) { // cannot_connect_now
          return true;
        }
      } else if (t instanceof SocketException
          || t instanceof SocketTimeoutException
          || t instanceof UnknownHostException
          || t instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  private static String sqlState(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  /**
   * The most telling short reason: the server's own message when it sent one, else the lowest
   * socket error ("Connection refused"), else the driver's first line. One line, cut short.
   */
  public static String reason(Throwable e) {
    Throwable deepest = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
        ServerErrorMessage server = psql.getServerErrorMessage();
        if (server.getMessage() != null) {
          return oneLine(server.getMessage());
        }
      }
      deepest = t;
    }
    if (deepest instanceof UnknownHostException) {
      return "unknown host";
    }
    if (deepest instanceof EOFException) {
      return "the server closed the connection";
    }
    if (deepest instanceof ConnectException
        || deepest instanceof NoRouteToHostException
        || deepest instanceof SocketException
        || deepest instanceof SocketTimeoutException) {
      return deepest.getMessage() != null
          ? oneLine(deepest.getMessage())
          : deepest.getClass().getSimpleName();
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : oneLine(message);
  }

  private static String oneLine(String text) {
    int newline = text.indexOf('\n');
    String line = (newline < 0 ? text : text.substring(0, newline)).strip();
    StringBuilder sb = new StringBuilder(Math.min(line.length(), MAX_REASON_CHARS) + 3);
    for (int i = 0; i < line.length() && i < MAX_REASON_CHARS; i++) {
      char c = line.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    if (line.length() > MAX_REASON_CHARS) {
      sb.append("...");
    }
    return sb.toString();
  }

  String scrub(String message) {
    if (secret == null || secret.length() < MIN_SCRUBBED_SECRET) {
      return message;
    }
    return message.replace(secret, "***");
  }
}
