package io.brine.vault.storage.postgresql;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The vault's {@code storage} stanza of type {@code postgresql}, with OpenBao's key names and
 * defaults (OpenBao docs, configuration/storage/postgresql).
 *
 * @param connectionUrl {@code connection_url}, in any form {@link ConnectionUrl} reads; a secret
 * @param table {@code table}: the key/value table, {@value #DEFAULT_TABLE} by default
 * @param haEnabled {@code ha_enabled}: whether masters share the HA lock (a cluster)
 * @param haTable {@code ha_table}: the lock table, {@value #DEFAULT_HA_TABLE} by default
 * @param maxParallel {@code max_parallel}: the pool's largest size, {@value #DEFAULT_MAX_PARALLEL}
 * @param maxIdleConnections {@code max_idle_connections}: connections the pool keeps open while
 *     idle; {@value #DEFAULT_MAX_IDLE_CONNECTIONS}, Go's default that OpenBao keeps when unset
 * @param maxConnectRetries {@code max_connect_retries}: attempts to reach the database at start,
 *     {@value #DEFAULT_MAX_CONNECT_RETRIES} by default, 0 for no limit (OpenBao's backoff, from 15
 *     ms to 5 s between attempts, giving up after 15 minutes)
 * @param skipCreateTable {@code skip_create_table}: when true the tables must exist already (an
 *     operator who grants no CREATE)
 * @throws IllegalArgumentException when a value is out of range or the URL is not valid; the
 *     message names the key and never holds the password
 */
public record PostgresqlConfig(
    String connectionUrl,
    String table,
    boolean haEnabled,
    String haTable,
    int maxParallel,
    int maxIdleConnections,
    int maxConnectRetries,
    boolean skipCreateTable) {

  public static final String DEFAULT_TABLE = "openbao_kv_store";
  public static final String DEFAULT_HA_TABLE = "openbao_ha_locks";
  public static final int DEFAULT_MAX_PARALLEL = 128;
  public static final int DEFAULT_MAX_IDLE_CONNECTIONS = 2;
  public static final int DEFAULT_MAX_CONNECT_RETRIES = 1;

  /** PostgreSQL cuts longer identifiers (NAMEDATALEN - 1); "_pkey" is added to a table's name. */
  private static final int MAX_TABLE_NAME_BYTES = 63 - "_pkey".length();

  public PostgresqlConfig {
    Objects.requireNonNull(connectionUrl, "connection_url");
    ConnectionUrl.parse(connectionUrl); // refuses a bad URL now, not at the first write
    checkTableName("table", table);
    checkTableName("ha_table", haTable);
    if (table.equals(haTable)) {
      throw new IllegalArgumentException("table and ha_table must name different tables");
    }
    if (maxParallel < 1) {
      throw new IllegalArgumentException("max_parallel must be at least 1");
    }
    if (maxIdleConnections < 0) {
      throw new IllegalArgumentException("max_idle_connections must not be negative");
    }
    if (maxConnectRetries < 0) {
      throw new IllegalArgumentException("max_connect_retries must not be negative (0: no limit)");
    }
  }

  /** OpenBao's defaults around {@code connectionUrl}: no HA. */
  public static PostgresqlConfig defaults(String connectionUrl) {
    return new PostgresqlConfig(
        connectionUrl,
        DEFAULT_TABLE,
        false,
        DEFAULT_HA_TABLE,
        DEFAULT_MAX_PARALLEL,
        DEFAULT_MAX_IDLE_CONNECTIONS,
        DEFAULT_MAX_CONNECT_RETRIES,
        false);
  }

  public PostgresqlConfig withHaEnabled(boolean enabled) {
    return new PostgresqlConfig(
        connectionUrl,
        table,
        enabled,
        haTable,
        maxParallel,
        maxIdleConnections,
        maxConnectRetries,
        skipCreateTable);
  }

  public PostgresqlConfig withTables(String table, String haTable) {
    return new PostgresqlConfig(
        connectionUrl,
        table,
        haEnabled,
        haTable,
        maxParallel,
        maxIdleConnections,
        maxConnectRetries,
        skipCreateTable);
  }

  /** The parsed {@link #connectionUrl()}. */
  public ConnectionUrl url() {
    return ConnectionUrl.parse(connectionUrl);
  }

  /** Every setting, the URL with {@code ***} for its password. */
  @Override
  public String toString() {
    return "PostgresqlConfig[connection_url="
        + url()
        + ", table="
        + table
        + ", ha_enabled="
        + haEnabled
        + ", ha_table="
        + haTable
        + ", max_parallel="
        + maxParallel
        + ", max_idle_connections="
        + maxIdleConnections
        + ", max_connect_retries="
        + maxConnectRetries
        + ", skip_create_table="
        + skipCreateTable
        + "]";
  }

  private static void checkTableName(String key, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(key + " must not be empty");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_TABLE_NAME_BYTES) {
      throw new IllegalArgumentException(
          key + " is longer than " + MAX_TABLE_NAME_BYTES + " bytes, which PostgreSQL would cut");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException(key + " holds a control character");
      }
    }
  }
}
