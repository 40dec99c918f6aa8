package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.Hvac;
import io.brine.cli.testing.MasterProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's python3-hvac drives the audit devices of a real {@code brine master} ({@code
 * hvac/audit.py}): enable, list, calculate_hash against what the file holds, disable; and enable
 * refused on a master that does not allow it through the API.
 */
class HvacAuditTest {
  @TempDir Path dir;

  @Test
  void hvac_enablesListsHashesAndDisablesAFileDevice() {
    Path file = dir.resolve("hvac-audit.log");
    try (MasterProcess master =
        MasterProcess.start(dir, "  unsafe_allow_api_audit_creation: true\n")) {
      String root = master.initAndUnseal();

      Hvac.Result r =
          Hvac.run("audit.py", master.address(), root,
                  Map.of("AUDIT_FILE", file.toString(), "AUDIT_MODE", "allowed"))
              .requireSuccess();

      assertThat(r.json().path("hash").asText()).startsWith("hmac-sha256:");
      assertThat(file).exists();
      assertThat(master.log()).doesNotContain(root);
    }
  }

  @Test
  void hvac_enable_isRefusedWithOpenBaosMessage_withoutTheUnsafeFlag() {
    Path file = dir.resolve("refused.log");
    try (MasterProcess master = MasterProcess.start(dir)) {
      String root = master.initAndUnseal();

      Hvac.run("audit.py", master.address(), root,
              Map.of("AUDIT_FILE", file.toString(), "AUDIT_MODE", "refused"))
          .requireSuccess();

      assertThat(file).doesNotExist();
    }
  }
}
