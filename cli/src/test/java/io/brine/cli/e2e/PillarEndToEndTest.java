package io.brine.cli.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.cli.testing.RecordingProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret from the vault to one minion: put with {@code brine kv put}, read by pillar with {@code
 * vault_secret()} only for the minions a policy names (web*), applied by a state on web1; db1's
 * pillar gets the refusal, not the secret. The secret is checked for on the wire between web1
 * and the master (a recording proxy), under db1's folder, under the master's folder, and in the
 * audit log, which must name each read (path, version, minion) and never hold the value.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PillarEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static final String SECRET = "pw-" + HexFormat.of().formatHex(seed());
  private static MasterProcess master;
  private static RecordingProxy proxy;
  private static MinionProcess web1;
  private static MinionProcess db1;
  private static String token;

  private static byte[] seed() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return b;
  }

  @BeforeAll
  static void masterAndMinions() throws Exception {
    Path srv = Files.createDirectories(dir.resolve("srv"));
    Path pillar = Files.createDirectories(dir.resolve("pillar"));
    Files.writeString(srv.resolve("top.sls"), "base:\n  '*':\n    - app\n");
    Files.writeString(srv.resolve("app.sls"), """
        app-conf:
          file.managed:
            - name: {{ grains['id'] | replace('web1', '%s') | replace('db1', '%s') }}/app.conf
            - mode: '0600'
            - show_changes: False
            - contents: "password={{ pillar['db']['password'] }}"
        """.formatted(dir.resolve("web1-out"), dir.resolve("db1-out")));
    Files.createDirectories(dir.resolve("web1-out"));
    Files.createDirectories(dir.resolve("db1-out"));
    Files.writeString(pillar.resolve("top.sls"),
        "base:\n  '*':\n    - common\n    - secrets\n");
    Files.writeString(pillar.resolve("common.sls"), "role: app-{{ grains['id'] }}\n");
    Files.writeString(pillar.resolve("secrets.sls"),
        "db:\n  password: {{ vault_secret('db/prod', 'password') }}\n");
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\ncachedir: " + dir.resolve("master/cache")
            + "\nfile_roots:\n  base:\n    - " + srv
            + "\npillar_roots:\n  base:\n    - " + pillar
            + "\npillar_secret_policies:\n  'web*':\n    - db-read\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault")
            + "\n  api_addr: 127.0.0.1:0\n"
            + "  audit:\n    - type: file\n      options: {file_path: "
            + dir.resolve("master/audit.log") + "}\n");
    master = MasterProcess.startWithConfig(config);
    token = master.initAndUnseal();
    Path policy = dir.resolve("db-read.hcl");
    Files.writeString(policy, "path \"secret/data/db/*\" {\n  capabilities = [\"read\"]\n}\n");
    Result wrote = brine("policy", "write", "db-read", policy.toString());
    assertThat(wrote.exitCode()).as(wrote.toString()).isZero();
    Result put = brine("kv", "put", "secret/db/prod", "password=" + SECRET);
    assertThat(put.exitCode()).as(put.toString()).isZero();

    proxy = new RecordingProxy(master.minionPort());
    web1 = MinionProcess.start(dir.resolve("web1"), "web1", proxy.port());
    db1 = MinionProcess.start(dir.resolve("db1"), "db1", master.minionPort());
    for (MinionProcess m : List.of(web1, db1)) {
      Await.until(() -> m.count("authenticated to master") >= 1, master, m, "authenticated");
    }
  }

  @AfterAll
  static void stop() throws IOException {
    for (AutoCloseable c : new AutoCloseable[] {web1, db1, master}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // stopping
        }
      }
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private static Result brine(String... args) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token).run(args);
  }

  @Test
  @Order(1)
  void theSecretReachesTheMinionThePolicyNames_andTheOtherGetsTheRefusal() throws Exception {
    Result web = brine("run", "web1", "pillar.get", "db:password", "--out", "json");
    assertThat(web.exitCode()).as(web.toString()).isZero();
    assertThat(JSON.readTree(web.out()).path("web1").asText()).isEqualTo(SECRET);

    Result db = brine("run", "db1", "pillar.items", "--out", "json");
    assertThat(db.exitCode()).as(db.toString()).isZero();
    JsonNode items = JSON.readTree(db.out()).path("db1");
    assertThat(items.path("role").asText()).isEqualTo("app-db1");
    assertThat(items.has("db")).isFalse();
    assertThat(items.path("_errors").toString())
        .contains("vault_secret: minion db1 may not read secret/data/db/prod");
    assertThat(db.out()).doesNotContain(SECRET);
  }

  @Test
  @Order(2)
  void pillarTargets_matchThePillarTheMasterCompiled() throws Exception {
    Result r = brine("run", "-I", "role:app-web*", "test.ping", "--out", "json", "--static");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<String> ids = new ArrayList<>();
    JSON.readTree(r.out()).fieldNames().forEachRemaining(ids::add);
    assertThat(ids).containsExactly("web1");
    Result compound = brine("run", "-C", "I@role:app-db1 or web1", "test.ping", "--out", "json",
        "--static");
    List<String> both = new ArrayList<>();
    JSON.readTree(compound.out()).fieldNames().forEachRemaining(both::add);
    assertThat(both).containsExactlyInAnyOrder("web1", "db1");
  }

  @Test
  @Order(3)
  void aStateWritesTheSecretOnTheOneMinion_theOtherFailsInOneLine() throws Exception {
    Result web = brine("run", "web1", "state.apply");
    assertThat(web.exitCode()).as(web.toString()).isZero();
    assertThat(Files.readString(dir.resolve("web1-out/app.conf")))
        .isEqualTo("password=" + SECRET + "\n");
    assertThat(web.out()).doesNotContain(SECRET);

    Result db = brine("run", "db1", "state.apply");
    assertThat(db.exitCode()).as(db.toString()).isEqualTo(4);
    assertThat(db.out()).contains("Pillar failed to render with the following messages:")
        .contains("vault_secret: minion db1 may not read secret/data/db/prod");
    assertThat(dir.resolve("db1-out/app.conf")).doesNotExist();
  }

  @Test
  @Order(4)
  void theSecretIsInClearNowhere_butOnWeb1sOwnFile_andEveryReadIsAudited() throws Exception {
    byte[] secret = SECRET.getBytes(UTF_8);
    assertThat(indexOf(proxy.wire(), secret)).as("on the wire to web1").isEqualTo(-1);
    assertThat(proxy.wire().length).isGreaterThan(1000);
    for (Path tree : List.of(dir.resolve("db1"), dir.resolve("master"), dir.resolve("web1"))) {
      for (Path file : files(tree)) {
        assertThat(indexOf(Files.readAllBytes(file), secret)).as(file.toString()).isEqualTo(-1);
      }
    }
    String audit = Files.readString(dir.resolve("master/audit.log"));
    List<JsonNode> reads = new ArrayList<>();
    for (String line : audit.split("\n")) {
      if (line.contains("pillar_secret")) {
        reads.add(JSON.readTree(line));
      }
    }
    assertThat(reads).isNotEmpty();
    String all = reads.toString();
    assertThat(all).contains("db/prod").contains("web1").contains("db1");
    assertThat(audit).doesNotContain(SECRET);
  }

  private static List<Path> files(Path tree) throws IOException {
    try (Stream<Path> walk = Files.walk(tree)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
