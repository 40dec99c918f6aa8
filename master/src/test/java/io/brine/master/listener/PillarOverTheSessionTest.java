package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.config.MasterConfig;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real master from its config file: a protocol minion's {@code pillar} call gets the pillar of
 * its grains, with a secret its bound policy allows from the KV engine, and the read is in the
 * declared audit device without the value.
 */
class PillarOverTheSessionTest {
  private static final String PASSWORD = "hunter2-but-longer";

  @TempDir Path dir;

  @Test
  void aMinionsPillar_holdsItsSecret_andTheAuditLogHoldsTheReadNotTheValue() throws Exception {
    Path pillar = Files.createDirectories(dir.resolve("pillar"));
    Files.writeString(
        pillar.resolve("top.sls"),
        "base:\n  'os:Debian':\n    - match: grain\n    - db\n");
    Files.writeString(
        pillar.resolve("db.sls"),
        "db:\n  password: {{ vault_secret('db/prod', 'password') }}\n  host: {{ grains.os }}\n");
    Path file = dir.resolve("master.yaml");
    Files.writeString(
        file,
        "pki_dir: pki\n"
            + "keysize: 2048\n"
            + "interface: 127.0.0.1\n"
            + "ret_port: 0\n"
            + "pillar_roots:\n  base: [pillar]\n"
            + "pillar_secret_policies:\n  'web*': [web-db]\n"
            + "vault:\n"
            + "  storage_dir: vault\n"
            + "  api_addr: 127.0.0.1:0\n"
            + "  audit:\n"
            + "    - type: file\n"
            + "      options:\n"
            + "        file_path: audit.log\n");
    TestMaster.Started started = TestMaster.start(MasterConfig.load(file));
    try (MasterDaemon master = started.daemon()) {
      ApiClient api = started.client();
      String root = started.initAndUnseal();
      assertThat(
              api.put(
                      "/v1/sys/policies/acl/web-db",
                      Map.of("policy", "path \"secret/data/db/prod\" { capabilities = [\"read\"] }"),
                      root)
                  .status())
          .isEqualTo(204);
      ApiClient.Reply written =
          api.put("/v1/secret/data/db/prod", Map.of("data", Map.of("password", PASSWORD)), root);
      assertThat(written.status()).as(written.text()).isEqualTo(200);

      RSAPublicKey masterKey = (RSAPublicKey) master.keys().masterKey().orElseThrow().getPublic();
      KeyPair keys = RsaKeys.generate(2048);
      try (TestMinion knock = TestMinion.connect(master.minionPort(), "web1", keys)) {
        assertThat(knock.hello(MasterTrust.pinned(masterKey))).isInstanceOf(Refused.class);
      }
      master.pki().accept(List.of(MinionId.of("web1")), false, false);
      try (TestMinion web1 = TestMinion.connect(master.minionPort(), "web1", keys)) {
        assertThat(web1.hello(MasterTrust.pinned(masterKey))).isInstanceOf(Welcomed.class);
        assertThat(web1.request("{\"rid\":1,\"kind\":\"grains\",\"grains\":{\"os\":\"Debian\"}}"))
            .isEqualTo("{\"rid\":1,\"ok\":true}");

        JsonNode reply = new ObjectMapper().readTree(web1.request("{\"rid\":2,\"kind\":\"pillar\"}"));

        assertThat(reply.path("ok").asBoolean()).as(reply.toString()).isTrue();
        assertThat(reply.path("pillar").path("db").path("password").asText()).isEqualTo(PASSWORD);
        assertThat(reply.path("pillar").path("db").path("host").asText()).isEqualTo("Debian");
      }
      String audit = Files.readString(dir.resolve("audit.log"));
      assertThat(audit)
          .contains("\"kind\":\"pillar_secret\"")
          .contains("\"minion\":\"web1\"")
          .contains("\"path\":\"secret/data/db/prod\"")
          .doesNotContain(PASSWORD);
    }
  }
}
