package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.crypto.rsa.Fingerprints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 §2 with real processes: a real master rotates its own RSA key through {@code brine
 * operator rotate-master-key}, and real minions pinned to the old key follow it (one rotation, two,
 * and two while offline), re-pin atomically (also after a kill -9 between authenticating the new
 * key and writing it), and a minion offline past the grace gets its clear line. Then the master is
 * halted after each write of a rotation, restarted, and its minion still authenticates.
 */
class MasterKeyRotationEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPINNED = "the master's key rotated: re-pinned";

  @TempDir Path dir;

  private Path config(int retPort) throws IOException {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: "
            + dir.resolve("master/pki")
            + "\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: "
            + retPort
            + "\nreauth_window: 0\nauto_accept: true\n"
            + "vault:\n  storage_dir: "
            + dir.resolve("master/vault")
            + "\n  api_addr: 127.0.0.1:0\n");
    return config;
  }

  private static Cli cli(MasterProcess master, String token) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  private String masterPub() {
    return read(dir.resolve("master/pki/master/master.pub"));
  }

  private static String pin(MinionProcess minion) {
    return read(minion.keyDir().resolve("minion_master.pub"));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode rotate(Cli cli, String... flags) throws Exception {
    String[] args = new String[flags.length + 3];
    args[0] = "operator";
    args[1] = "rotate-master-key";
    System.arraycopy(flags, 0, args, 2, flags.length);
    args[args.length - 1] = "-format=json";
    Result r = cli.run(args);
    assertThat(r.exitCode()).as("%s", r).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void minionsFollowOneAndTwoRotations_reboundAfterAKillWhileRepinning_andPastTheGraceGetTheLine()
      throws Exception {
    try (MasterProcess master = MasterProcess.startWithConfig(config(0))) {
      String token = master.initAndUnseal();
      Cli cli = cli(master, token);
      MinionProcess web1 = MinionProcess.start(dir.resolve("web1"), "web1", master.minionPort());
      MinionProcess web2 = MinionProcess.start(dir.resolve("web2"), "web2", master.minionPort());
      try {
        String a = masterPub();
        Await.until(() -> pin(web1).equals(a) && pin(web2).equals(a)
                && web1.count("authenticated to master") > 0
                && web2.count("authenticated to master") > 0,
            master, web1, "both minions pinned the first key");
        web2.close(); // offline through the next two rotations

        JsonNode first = rotate(cli);
        assertThat(first.get("epoch").asInt()).isEqualTo(1);
        String b = masterPub();
        assertThat(b).isNotEqualTo(a);
        assertThat(first.get("fingerprint").asText()).isEqualTo(Fingerprints.salt(b));
        Await.until(() -> pin(web1).equals(b), master, web1, "web1 re-pinned the second key");
        assertThat(web1.log()).contains(REPINNED + " " + Fingerprints.salt(b) + " (epoch 1)")
            .contains("vouched for by " + Fingerprints.salt(a));
        assertThat(web1.count("lost the connection")).as("over the open connection").isZero();

        // A job after the rotation reaches the minion: publications are signed with the new key.
        Result ping = cli.run("run", "web1", "test.ping", "--out", "json");
        assertThat(JSON.readTree(ping.out()).path("web1").asBoolean()).as("%s", ping).isTrue();

        JsonNode second = rotate(cli, "-grace=1h");
        assertThat(second.get("epoch").asInt()).isEqualTo(2);
        String c = masterPub();
        Await.until(() -> pin(web1).equals(c), master, web1, "web1 re-pinned the third key");
        assertThat(web1.count(REPINNED)).isEqualTo(2);

        Result status = cli.run("operator", "master-key-status", "-format=json");
        JsonNode s = JSON.readTree(status.out());
        assertThat(s.get("epoch").asInt()).isEqualTo(2);
        assertThat(s.get("retained")).hasSize(2);
        assertThat(cli.run("operator", "master-key-status").out())
            .contains("Key Epoch").contains(Fingerprints.salt(c));

        // web2 comes back pinned to the first key, two rotations behind, and is killed (halted)
        // after the new key authenticated and before it is written: the old pin stays.
        MinionProcess halting =
            MinionProcess.start(dir.resolve("web2"), "web2", master.minionPort(),
                List.of("-Dbrine.test.haltBeforeMasterKeyRepin=true"));
        Await.until(() -> !halting.isAlive(), master, halting, "web2 halted before re-pinning");
        assertThat(halting.log()).contains("halting before re-pinning");
        assertThat(pin(halting)).isEqualTo(a);
        // Restarted, it follows A -> B -> C in one answer and re-pins C.
        MinionProcess back = MinionProcess.start(dir.resolve("web2"), "web2", master.minionPort());
        Await.until(() -> pin(back).equals(c), master, back, "web2 followed two rotations");
        assertThat(back.log()).contains(REPINNED + " " + Fingerprints.salt(c) + " (epoch 2)");
        back.close();

        // Offline past the grace: rotate with 2 s, wait for the key to be destroyed.
        rotate(cli, "-grace=2s");
        String d = masterPub();
        Await.until(() -> pin(web1).equals(d), master, web1, "web1 re-pinned the fourth key");
        Await.until(() -> master.log().contains("destroyed the master's previous key "
                + Fingerprints.salt(c)), master, web1, "the third key destroyed after 2 s");
        MinionProcess late = MinionProcess.start(dir.resolve("web2"), "web2", master.minionPort());
        try {
          Await.until(() -> late.log().contains("which this minion cannot verify"), master, late,
              "the late minion's clear line");
          assertThat(late.log())
              .contains("the master now presents key " + Fingerprints.salt(d))
              .contains("its pinned key " + Fingerprints.salt(c))
              .contains("set master_finger: " + Fingerprints.salt(d))
              .contains("delete minion_master.pub");
          assertThat(pin(late)).as("nothing re-pinned").isEqualTo(c);
        } finally {
          late.close();
        }
      } finally {
        web1.close();
        web2.close();
      }
    }
  }

  @Test
  void masterHaltedAfterEachWriteOfARotation_restarts_andItsMinionStillAuthenticates()
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path config = config(port);
    MasterProcess master = MasterProcess.startWithConfig(config);
    JsonNode init;
    String unsealKey;
    String token;
    MinionProcess web1 = MinionProcess.start(dir.resolve("web1"), "web1", port);
    try {
      init = master.initJson();
      unsealKey = init.get("keys").get(0).asText();
      token = init.get("root_token").asText();
      master.unseal(unsealKey);
      Await.until(() -> web1.count("authenticated to master") > 0, master, web1, "first auth");
      master.close();
      int epoch = 0;
      for (int step = 1; step <= 5; step++) {
        String before = masterPub();
        MasterProcess halting =
            MasterProcess.startWithConfig(config, List.of(),
                List.of("-Dbrine.test.haltAtMasterKeyRotationStep=" + step));
        halting.unseal(unsealKey);
        Result r = cli(halting, token).run("operator", "rotate-master-key", "-format=json");
        assertThat(r.exitCode()).as("the rotation's answer never came: %s", r).isNotZero();
        assertThat(halting.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
        assertThat(halting.log()).contains("halting after master key rotation step " + step);

        long authsBefore = web1.count("authenticated to master");
        master = MasterProcess.startWithConfig(config);
        master.unseal(unsealKey);
        boolean committed = step >= 3;
        epoch += committed ? 1 : 0;
        JsonNode status =
            JSON.readTree(cli(master, token).run("operator", "master-key-status", "-format=json")
                .out());
        assertThat(status.get("epoch").asInt()).as("after a halt at step %d", step)
            .isEqualTo(epoch);
        String now = masterPub();
        assertThat(now.equals(before)).as("the key changed iff committed (step %d)", step)
            .isEqualTo(!committed);
        MasterProcess m = master;
        // Pinned to the key of before the halt: authenticates, and re-pins when it changed.
        Await.until(() -> web1.count("authenticated to master") > authsBefore
                && pin(web1).equals(now), m, web1, "web1 authenticated after the halt at " + step);
        master.close();
      }
      assertThat(web1.count(REPINNED)).isEqualTo(3);
    } finally {
      web1.close();
      master.close();
    }
  }
}
