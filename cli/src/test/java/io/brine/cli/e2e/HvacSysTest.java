package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.testing.Hvac;
import io.brine.cli.testing.MasterProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's python3-hvac, an OpenBao client brine did not write, drives the sys/ paths of a real
 * {@code brine master}: init, unseal with a reset, seal status, health, leader, seal
 * ({@code hvac/sys_seal.py}), then key status, keyring rotation, generate-root and rekey with the
 * shares from init ({@code hvac/sys_keys.py}). Each script asserts with hvac's own API.
 */
class HvacSysTest {
  @TempDir Path dir;

  @Test
  void hvac_drivesInitUnsealSeal_thenRotationsAndGenerateRoot() {
    try (MasterProcess master = MasterProcess.start(dir)) {
      JsonNode init =
          Hvac.run("sys_seal.py", master.address(), null, Map.of()).requireSuccess().json();
      List<String> keys = new ArrayList<>();
      init.get("keys").forEach(k -> keys.add(k.asText()));
      assertThat(keys).hasSize(3);

      JsonNode rotated =
          Hvac.run(
                  "sys_keys.py",
                  master.address(),
                  init.get("root_token").asText(),
                  Map.of("HVAC_UNSEAL_KEYS", String.join(",", keys)))
              .requireSuccess()
              .json();

      assertThat(rotated.get("term").asInt()).isEqualTo(2);
      assertThat(master.log()).doesNotContain(init.get("root_token").asText());
    }
  }
}
