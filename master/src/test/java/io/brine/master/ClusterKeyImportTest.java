package io.brine.master;

import static io.brine.master.ClusterTestMembers.api;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.pki.AuthResult.Verdict;
import io.brine.master.pki.KeyStatus;
import io.brine.master.testing.ApiClient;
import io.brine.protocol.MinionId;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine key --import} into a cluster: a standby sends the import to the active master (307,
 * as every write), the active one writes it to the shared store in one transaction, and every
 * master then decides with the imported keys.
 */
class ClusterKeyImportTest {
  private static final Duration TAKEOVER = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void throughAStandby_307ToTheActive_thenEveryMasterHoldsTheKeys_andAgainIsUnchanged()
      throws Exception {
    String web1 = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
    String web2 = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
    Map<String, Object> body =
        Map.of(
            "keys",
            List.of(
                Map.of("id", "web1", "status", "accepted", "pem", web1),
                Map.of("id", "web2", "status", "rejected", "pem", web2)));
    try (ClusterTestMembers cluster = new ClusterTestMembers(dir, ClusterTestMembers.QUICK)) {
      cluster.start(2, "").initAndUnsealAll();
      MasterDaemon active = cluster.awaitOneActive(TAKEOVER);
      MasterDaemon standby = cluster.members.stream().filter(m -> m != active).findFirst().get();
      ClusterTestMembers.await(
          TAKEOVER, "the standby knows the leader", () -> standby.cluster().leader().isPresent());

      ApiClient.Reply redirected =
          api(standby).put("/v1/brine/keys/import", body, cluster.rootToken);
      assertThat(redirected.status()).isEqualTo(307);
      assertThat(redirected.headers().firstValue("Location"))
          .hasValue(active.apiUrl() + "/v1/brine/keys/import");
      assertThat(active.pki().list().get(KeyStatus.ACCEPTED)).isEmpty();

      JsonNode done = api(active).put("/v1/brine/keys/import", body, cluster.rootToken).json();
      assertThat(done.path("imported").toString())
          .isEqualTo("{\"accepted\":1,\"pending\":0,\"rejected\":1,\"denied\":0}");

      // The standby's own store instance reads the shared rows: its handshakes decide with them.
      assertThat(standby.pki().authorize(MinionId.of("web1"), web1).verdict())
          .isEqualTo(Verdict.ACCEPTED);
      assertThat(standby.pki().authorize(MinionId.of("web2"), web2).verdict())
          .isEqualTo(Verdict.REJECTED);
      JsonNode again = api(active).put("/v1/brine/keys/import", body, cluster.rootToken).json();
      assertThat(again.path("unchanged").asInt()).isEqualTo(2);
      assertThat(again.path("imported").path("accepted").asInt()).isZero();
    }
  }
}
