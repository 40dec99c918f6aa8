package io.brine.master.jobs.shared;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The job tables in PostgreSQL. What must stay queryable by an operator's SQL (jids, times,
 * minion ids, counts) is in columns; everything a job or a return says (function, arguments,
 * target, returned data, retcode) is one {@link RowCipher} ciphertext per row.
 *
 * <pre>
 * brine_jobs         jid PK, started, minions text[], missing text[], job bytea (sealed)
 * brine_job_returns  (jid, minion) PK, received, ret bytea (sealed)
 * brine_job_queue    seq bigserial PK, jid, origin, created, payload bytea (sealed)
 * brine_minion_grains minion PK, updated, grains bytea (sealed)
 * </pre>
 *
 * The primary key on (jid, minion) is what keeps one return per minion and job, whichever master
 * stores it. There is no foreign key from returns to jobs: a return whose job was purged meanwhile
 * would abort the whole batch of returns it was inserted with; instead an insert checks that its
 * job exists, and a purge removes returns by jid order (jids are time-ordered), so even a return
 * that slipped in beside a purge goes with the next one.
 */
final class JobTables {
  static final String JOBS = "brine_jobs";
  static final String RETURNS = "brine_job_returns";
  static final String QUEUE = "brine_job_queue";
  static final String GRAINS = "brine_minion_grains";

  private static final List<String> GRAINS_DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS " + GRAINS + " ("
              + " minion text PRIMARY KEY,"
              + " updated timestamptz NOT NULL DEFAULT now(),"
              + " grains bytea NOT NULL)");

  private static final List<String> JOB_DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS " + JOBS + " ("
              + " jid varchar(20) PRIMARY KEY,"
              + " started timestamptz NOT NULL,"
              + " minions text[] NOT NULL,"
              + " missing text[] NOT NULL,"
              + " job bytea NOT NULL)",
          "CREATE TABLE IF NOT EXISTS " + RETURNS + " ("
              + " jid varchar(20) NOT NULL,"
              + " minion text NOT NULL,"
              + " received timestamptz NOT NULL,"
              + " ret bytea NOT NULL,"
              + " PRIMARY KEY (jid, minion))");

  private static final List<String> QUEUE_DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS " + QUEUE + " ("
              + " seq bigserial PRIMARY KEY,"
              + " jid varchar(20) NOT NULL,"
              + " origin text NOT NULL,"
              + " created timestamptz NOT NULL DEFAULT now(),"
              + " payload bytea NOT NULL)",
          "CREATE INDEX IF NOT EXISTS " + QUEUE + "_created ON " + QUEUE + " (created)");

  private JobTables() {}

  static void ensureJobTables(DataSource db) throws IOException {
    ensure(db, List.of(JOBS, RETURNS), JOB_DDL);
  }

  static void ensureQueueTable(DataSource db) throws IOException {
    ensure(db, List.of(QUEUE), QUEUE_DDL);
  }

  static void ensureGrainsTable(DataSource db) throws IOException {
    ensure(db, List.of(GRAINS), GRAINS_DDL);
  }

  /**
   * Creates the tables unless they all exist. Looked up first, so a role without CREATE on the
   * schema (tables made by the DBA beforehand) works; created under a transaction-level advisory
   * lock, because two masters running CREATE TABLE IF NOT EXISTS at the same moment can collide
   * in PostgreSQL's catalog (a unique violation on pg_type) instead of one of them skipping.
   */
  private static void ensure(DataSource db, List<String> tables, List<String> ddl)
      throws IOException {
    try (Connection c = db.getConnection()) {
      if (allExist(c, tables)) {
        return;
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(hashtext('brine job tables'))");
        for (String statement : ddl) {
          s.execute(statement);
        }
        c.commit();
      } catch (SQLException e) {
        Transactions.rollbackQuietly(c);
        throw e;
      } finally {
        Transactions.restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot create the job tables " + tables, e);
    }
  }

  private static boolean allExist(Connection c, List<String> tables) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      for (String table : tables) {
        ps.setString(1, table);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !rs.getBoolean(1)) {
            return false;
          }
        }
      }
      return true;
    }
  }
}
