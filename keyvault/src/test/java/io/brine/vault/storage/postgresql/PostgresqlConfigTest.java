package io.brine.vault.storage.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresqlConfigTest {
  private static final String URL = "postgres://brine:s3cret-pw@db.example:5432/brine";

  @Test
  void defaults_areOpenBaos() {
    PostgresqlConfig config = PostgresqlConfig.defaults(URL);

    assertThat(config.table()).isEqualTo("openbao_kv_store");
    assertThat(config.haTable()).isEqualTo("openbao_ha_locks");
    assertThat(config.haEnabled()).isFalse();
    assertThat(config.maxParallel()).isEqualTo(128);
    assertThat(config.maxIdleConnections()).isEqualTo(2);
    assertThat(config.maxConnectRetries()).isEqualTo(1);
    assertThat(config.skipCreateTable()).isFalse();
    assertThat(config.withHaEnabled(true).haEnabled()).isTrue();
    assertThat(config.url().address()).isEqualTo("db.example:5432");
  }

  @Test
  void toString_showsEverySettingButThePassword() {
    assertThat(PostgresqlConfig.defaults(URL).withHaEnabled(true).toString())
        .isEqualTo(
            "PostgresqlConfig[connection_url=postgres://brine:***@db.example:5432/brine,"
                + " table=openbao_kv_store, ha_enabled=true, ha_table=openbao_ha_locks,"
                + " max_parallel=128, max_idle_connections=2, max_connect_retries=1,"
                + " skip_create_table=false]");
  }

  @Test
  void aBadUrl_isRefusedWhenTheConfigIsMade_withoutThePassword() {
    assertThatThrownBy(() -> PostgresqlConfig.defaults(URL + "?sslmode=sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connection_url: sslmode must be one of")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pw"));
  }

  @Test
  void outOfRangeValues_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> config("kv", "ha", 0, 2, 1))
        .hasMessage("max_parallel must be at least 1");
    assertThatThrownBy(() -> config("kv", "ha", 1, -1, 1))
        .hasMessage("max_idle_connections must not be negative");
    assertThatThrownBy(() -> config("kv", "ha", 1, 0, -1))
        .hasMessage("max_connect_retries must not be negative (0: no limit)");
    assertThatThrownBy(() -> config(" ", "ha", 1, 0, 1)).hasMessage("table must not be empty");
    assertThatThrownBy(() -> config("kv", "kv", 1, 0, 1))
        .hasMessage("table and ha_table must name different tables");
    assertThatThrownBy(() -> config("kv", "h\na", 1, 0, 1))
        .hasMessage("ha_table holds a control character");
    assertThatThrownBy(() -> config("k".repeat(59), "ha", 1, 0, 1))
        .hasMessage("table is longer than 58 bytes, which PostgreSQL would cut");
    assertThat(config("k".repeat(58), "ha", 1, 0, 0).table()).hasSize(58);
  }

  private static PostgresqlConfig config(
      String table, String haTable, int maxParallel, int maxIdle, int retries) {
    return new PostgresqlConfig(URL, table, false, haTable, maxParallel, maxIdle, retries, false);
  }
}
