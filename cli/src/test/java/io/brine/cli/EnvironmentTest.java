package io.brine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The BRINE_* names first, then OpenBao's BAO_*, then Vault's VAULT_*; blank counts as unset. */
class EnvironmentTest {
  @Test
  void brineName_winsOverBaoAndVault() {
    Environment env =
        Environment.of(
            Map.of(
                "BRINE_ADDR", "https://brine:8200",
                "BAO_ADDR", "https://bao:8200",
                "VAULT_ADDR", "https://vault:8200",
                "BRINE_TOKEN", "t-brine",
                "BAO_TOKEN", "t-bao",
                "BRINE_CACERT", "/brine.pem",
                "VAULT_CACERT", "/vault.pem"));

    assertThat(env.apiAddress()).isEqualTo("https://brine:8200");
    assertThat(env.apiToken()).isEqualTo("t-brine");
    assertThat(env.apiCaCert()).isEqualTo("/brine.pem");
  }

  @Test
  void baoName_winsOverVault_whenBrineIsUnsetOrBlank() {
    Environment env =
        Environment.of(
            Map.of(
                "BRINE_ADDR", " ",
                "BAO_ADDR", "https://bao:8200",
                "VAULT_ADDR", "https://vault:8200",
                "BAO_TOKEN", "t-bao",
                "VAULT_TOKEN", "t-vault",
                "BAO_CACERT", "/bao.pem",
                "VAULT_CACERT", "/vault.pem"));

    assertThat(env.apiAddress()).isEqualTo("https://bao:8200");
    assertThat(env.apiToken()).isEqualTo("t-bao");
    assertThat(env.apiCaCert()).isEqualTo("/bao.pem");
  }

  @Test
  void vaultName_isTheLastFallback_andNoneIsNull() {
    Environment vault =
        Environment.of(
            Map.of(
                "VAULT_ADDR", "https://vault:8200",
                "VAULT_TOKEN", "t-vault",
                "VAULT_CACERT", "/vault.pem"));
    Environment none = Environment.of(Map.of("BAO_TOKEN", ""));

    assertThat(vault.apiAddress()).isEqualTo("https://vault:8200");
    assertThat(vault.apiToken()).isEqualTo("t-vault");
    assertThat(vault.apiCaCert()).isEqualTo("/vault.pem");
    assertThat(none.apiAddress()).isNull();
    assertThat(none.apiToken()).isNull();
    assertThat(none.apiCaCert()).isNull();
  }
}
