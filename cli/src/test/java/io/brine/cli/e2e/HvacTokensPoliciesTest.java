package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.Hvac;
import io.brine.cli.testing.MasterProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's python3-hvac drives the token store and the ACL policies of a real {@code brine
 * master} ({@code hvac/tokens_policies.py}): policies through sys/policy, tokens created, looked
 * up, renewed and revoked by token and accessor, a child limited to its parent's policies, use
 * limits, capabilities-self, and {@code is_authenticated()} true for a live token.
 */
class HvacTokensPoliciesTest {
  @TempDir Path dir;

  @Test
  void hvac_drivesTokensAndPolicies() {
    try (MasterProcess master = MasterProcess.start(dir)) {
      String root = master.initAndUnseal();

      Hvac.run("tokens_policies.py", master.address(), root, Map.of()).requireSuccess();

      assertThat(master.log()).doesNotContain(root);
    }
  }
}
