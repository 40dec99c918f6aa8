package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.Hvac;
import io.brine.cli.testing.MasterProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's python3-hvac drives the KV version 2 engine of a real {@code brine master} ({@code
 * hvac/kv.py}: client.secrets.kv.v2 end to end, and a policy-limited token refused), with a file
 * audit device; then nothing under the master's directory (vault storage, audit log, master log)
 * holds the secret's value in clear.
 */
class HvacKvTest {
  private static final String VALUE = "kv-e2e-value-5c7d1e9b";

  @TempDir Path dir;

  @Test
  void hvac_drivesKvV2_andTheValueIsNeverInClearOnDisk() throws IOException {
    try (MasterProcess master =
        MasterProcess.start(
            dir,
            "  unsafe_allow_api_audit_creation: true\n"
                + "  audit:\n"
                + "    - type: file\n"
                + "      options: {file_path: "
                + dir.resolve("audit.log")
                + "}\n")) {
      String root = master.initAndUnseal();

      Hvac.run("kv.py", master.address(), root, Map.of("SECRET_VALUE", VALUE)).requireSuccess();

      assertThat(master.log()).doesNotContain(VALUE).doesNotContain(root);
      assertThat(Files.readString(dir.resolve("audit.log"))).contains("secret/data/db/prod");
      byte[] needle = VALUE.getBytes(StandardCharsets.UTF_8);
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      assertThat(files).hasSizeGreaterThan(5);
      for (Path file : files) {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(text.contains(new String(needle, StandardCharsets.ISO_8859_1)))
            .as("the value in clear in " + dir.relativize(file))
            .isFalse();
      }
    }
  }
}
