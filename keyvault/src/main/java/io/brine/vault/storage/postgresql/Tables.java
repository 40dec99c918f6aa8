package io.brine.vault.storage.postgresql;

import io.brine.vault.VaultException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenBao's two tables, created exactly as its backend creates them ({@code createTables}), so that
 * a brine cluster's database and an OpenBao one look the same to an operator:
 *
 * <pre>
 * CREATE TABLE openbao_kv_store (
 *   parent_path TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C", key TEXT COLLATE "C",
 *   value BYTEA, CONSTRAINT openbao_kv_store_pkey PRIMARY KEY (path, key));
 * CREATE INDEX openbao_kv_store_idx ON openbao_kv_store (parent_path);
 * CREATE TABLE openbao_ha_locks (
 *   ha_key TEXT COLLATE "C" NOT NULL, ha_identity TEXT COLLATE "C" NOT NULL,
 *   ha_value TEXT COLLATE "C", valid_until TIMESTAMP WITH TIME ZONE NOT NULL,
 *   CONSTRAINT openbao_ha_locks_pkey PRIMARY KEY (ha_key));
 * </pre>
 *
 * <p>Names are quoted as OpenBao quotes them (one identifier, so {@code a.b} is a table named
 * "a.b", not a table in schema a; a schema is chosen with the URL's {@code options=-c
 * search_path=...}).
 */
final class Tables {
  private static final Logger LOG = LoggerFactory.getLogger(Tables.class);

  private final String kvName;
  private final String haName;
  final String kv;
  final String ha;

  Tables(String kvName, String haName) {
    this.kvName = kvName;
    this.haName = haName;
    this.kv = quote(kvName);
    this.ha = quote(haName);
  }

  /** An identifier in double quotes, a quote inside doubled (lib/pq's QuoteIdentifier). */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  String kvName() {
    return kvName;
  }

  String haName() {
    return haName;
  }

  /**
   * Creates what is missing, in one transaction. Two masters starting together may both find a
   * table missing; the loser's CREATE fails on a unique index of the catalog (23505) or as a
   * duplicate (42P07), and a second pass then finds everything in place.
   */
  void create(DataSource pool, boolean withHa, DatabaseFailure errors) throws VaultException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.execute(
              "CREATE TABLE IF NOT EXISTS "
                  + kv
                  + " (parent_path TEXT COLLATE \"C\" NOT NULL,"
                  + " path TEXT COLLATE \"C\","
                  + " key TEXT COLLATE \"C\","
                  + " value BYTEA,"
                  + " CONSTRAINT "
                  + quote(kvName + "_pkey")
                  + " PRIMARY KEY (path, key))");
          s.execute(
              "CREATE INDEX IF NOT EXISTS "
                  + quote(kvName + "_idx")
                  + " ON "
                  + kv
                  + " (parent_path)");
          if (withHa) {
            s.execute(
                "CREATE TABLE IF NOT EXISTS "
                    + ha
                    + " (ha_key TEXT COLLATE \"C\" NOT NULL,"
                    + " ha_identity TEXT COLLATE \"C\" NOT NULL,"
                    + " ha_value TEXT COLLATE \"C\","
                    + " valid_until TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " CONSTRAINT "
                    + quote(haName + "_pkey")
                    + " PRIMARY KEY (ha_key))");
          }
          c.commit();
          return;
        } catch (SQLException e) {
          c.rollback();
          String state = e.getSQLState();
          if (attempt == 1 && ("23505".equals(state) || "42P07".equals(state))) {
            continue; // another master created them at the same moment
          }
          if ("25006".equals(state)) {
            // A read-only database (a replica): OpenBao carries on, and so does brine; the
            // access check that follows says whether the tables are there.
            LOG.warn("PostgreSQL storage is read-only; not creating tables");
            return;
          }
          throw e;
        }
      } catch (SQLException e) {
        throw errors.of("creation of table " + kvName + (withHa ? " and " + haName : ""), e);
      }
    }
  }

  /** Fails at start, in one line, when a table is missing or this role may not use it. */
  void checkAccess(DataSource pool, boolean withHa, DatabaseFailure errors) throws VaultException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT parent_path, path, key, value FROM " + kv + " LIMIT 0");
      if (withHa) {
        s.execute("SELECT ha_key, ha_identity, ha_value, valid_until FROM " + ha + " LIMIT 0");
      }
    } catch (SQLException e) {
      throw errors.of("check of table " + kvName + (withHa ? " and " + haName : ""), e);
    }
  }
}
