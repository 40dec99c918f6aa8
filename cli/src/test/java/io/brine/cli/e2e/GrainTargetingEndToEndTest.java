package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's targeting end to end: a real master whose YAML has Salt's nodegroups, and three real
 * minions whose config {@code grains:} differ, driven by {@code brine run -G/-P/-C/-N/-S} as a Salt
 * operator types them; then {@code grains.setval} on one minion changes what {@code -G} matches.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrainTargetingEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, String> GRAINS =
      Map.of(
          "web1", "grains:\n  role: web\n  dc: east\n  tier: [front, cache]\n",
          "web2", "grains:\n  role: web\n  dc: west\n",
          "db1", "grains:\n  role: db\n  dc: east\n  locale_info: {defaultlanguage: de_DE}\n");

  @TempDir static Path dir;

  private static MasterProcess master;
  private static String token;
  private static final Map<String, MinionProcess> minions = new TreeMap<>();
  private final Cli cli = new Cli();

  @BeforeAll
  static void masterAndMinions() throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "cachedir: " + dir.resolve("master/cache") + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "nodegroups:\n"
            + "  east: 'G@dc:east'\n"
            + "  webs:\n    - web1\n    - web2\n"
            + "  eastweb: 'N@east and N@webs'\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    JsonNode init = master.initJson();
    token = init.get("root_token").asText();
    master.unseal(init.get("keys").get(0).asText());
    for (Map.Entry<String, String> m : GRAINS.entrySet()) {
      minions.put(
          m.getKey(),
          MinionProcess.startWithMasters(
              dir.resolve("minion-" + m.getKey()), m.getKey(), List.of(master.minionPort()),
              m.getValue()));
    }
    for (Map.Entry<String, MinionProcess> m : minions.entrySet()) {
      Path kept = dir.resolve("master/cache/grains/" + m.getKey() + ".json");
      Await.until(() -> Files.exists(kept), master, m.getValue(), "the master has its grains");
    }
  }

  @AfterAll
  static void stop() {
    minions.values().forEach(MinionProcess::close);
    master.close();
  }

  private Cli cli() {
    return cli.env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  /** The minions that returned True to test.ping for this target. */
  private List<String> ping(String... target) throws Exception {
    List<String> args = new ArrayList<>(List.of("run"));
    args.addAll(List.of(target));
    args.addAll(List.of("test.ping", "--out", "json", "--static"));
    Result r = cli().run(args.toArray(new String[0]));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<String> ids = new ArrayList<>();
    JsonNode out = JSON.readTree(r.out());
    out.fieldNames().forEachRemaining(ids::add);
    out.forEach(v -> assertThat(v.asBoolean()).as(r.toString()).isTrue());
    return ids.stream().sorted().toList();
  }

  @Test
  @Order(1)
  void grain_grainPcre_compound_nodegroup_andIpcidr_reachTheMatchingMinions() throws Exception {
    assertThat(ping("-G", "role:web")).containsExactly("web1", "web2");
    assertThat(ping("--grain", "tier:cach*")).containsExactly("web1");
    assertThat(ping("-G", "locale_info:defaultlanguage:de*")).containsExactly("db1");
    assertThat(ping("-G", "--delimiter", ";", "locale_info;defaultlanguage;de*"))
        .as("Salt's delimiter")
        .containsExactly("db1");
    assertThat(ping("-P", "dc:(ea|no)")).containsExactly("db1", "web1");
    assertThat(ping("-C", "G@role:web and not G@dc:west or L@db1")).containsExactly("db1", "web1");
    assertThat(ping("-C", "( web* or db* ) and G@dc:west")).containsExactly("web2");
    assertThat(ping("-N", "east")).containsExactly("db1", "web1");
    assertThat(ping("-N", "webs")).containsExactly("web1", "web2");
    assertThat(ping("-N", "eastweb")).containsExactly("web1");
    assertThat(ping("-S", "127.0.0.0/8")).containsExactly("db1", "web1", "web2");
    assertThat(ping("-S", "127.0.0.1")).containsExactly("db1", "web1", "web2");
  }

  @Test
  @Order(2)
  void nothingMatching_exitsThree_sayingWhy_andBadTargetsAreOneLine() {
    Result grain = cli().run("run", "-G", "role:mail", "test.ping");
    Result subnet = cli().run("run", "-S", "203.0.113.0/24", "test.ping");
    Result malformed = cli().run("run", "-C", "( web* or db1", "test.ping");
    Result pillar = cli().run("run", "-C", "I@role:web", "test.ping");
    Result unknownGroup = cli().run("run", "-N", "nope", "test.ping");
    Result twoKinds = cli().run("run", "-G", "-C", "role:web", "test.ping");

    assertThat(grain.exitCode()).as(grain.toString()).isEqualTo(3);
    assertThat(grain.err())
        .contains("No minions matched the target")
        .contains("no accepted minion has grain role matching mail");
    assertThat(subnet.exitCode()).as(subnet.toString()).isEqualTo(3);
    assertThat(subnet.err()).contains("no accepted minion has an address in 203.0.113.0/24");
    assertThat(malformed.exitCode()).as(malformed.toString()).isEqualTo(1);
    assertThat(malformed.err()).contains("compound target has an unclosed '('");
    // No pillar_roots: no minion has a pillar with role, so nothing matches, as in Salt.
    assertThat(pillar.exitCode()).as(pillar.toString()).isEqualTo(3);
    assertThat(pillar.err()).contains("No minions matched the target");
    assertThat(unknownGroup.exitCode()).isEqualTo(1);
    assertThat(unknownGroup.err()).contains("no nodegroup 'nope' in the master config");
    assertThat(twoKinds.exitCode()).isEqualTo(1);
    assertThat(twoKinds.err()).contains("-G and -C cannot be used together");
    for (Result r : List.of(malformed, pillar, unknownGroup, twoKinds)) {
      assertThat(r.err()).doesNotContain("Exception");
    }
  }

  @Test
  @Order(3)
  void grainsSetval_changesWhatGrainTargetsMatch() throws Exception {
    Result before = cli().run("run", "-G", "app:shop", "test.ping");
    assertThat(before.exitCode()).as(before.toString()).isEqualTo(3);
    Result set = cli().run("run", "db1", "grains.setval", "app", "shop", "--out", "json");
    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(JSON.readTree(set.out()).path("db1").toString()).isEqualTo("{\"app\":\"shop\"}");
    Result item = cli().run("run", "db1", "grains.item", "app", "dc", "--out", "json");
    assertThat(JSON.readTree(item.out()).path("db1").toString())
        .isEqualTo("{\"app\":\"shop\",\"dc\":\"east\"}");
    assertThat(Files.readString(dir.resolve("minion-db1/grains"))).contains("app:");
    // A grain the config's grains: sets is the config's (Salt's precedence): refused, clearly.
    Result configs = cli().run("run", "db1", "grains.setval", "role", "web");
    assertThat(configs.out()).contains("is set by the minion config's grains:");

    // The new grains go to the master just before the return: wait for them to be kept.
    Path kept = dir.resolve("master/cache/grains/db1.json");
    Await.until(
        () -> {
          try {
            return Files.readString(kept).contains("\"app\":\"shop\"");
          } catch (java.io.IOException e) {
            return false;
          }
        },
        master,
        minions.get("db1"),
        "the master has db1's new grains");
    assertThat(ping("-G", "app:shop")).containsExactly("db1");
    assertThat(ping("-C", "G@app:sh* and G@role:db")).containsExactly("db1");
  }
}
