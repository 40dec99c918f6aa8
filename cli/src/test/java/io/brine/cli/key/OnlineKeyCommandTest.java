package io.brine.cli.key;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine key} through a real {@code brine master} child process (BRINE_ADDR, BRINE_TOKEN),
 * and its fallback to the folder when nothing listens at the address.
 */
class OnlineKeyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static MasterProcess master;
  private static String token;
  private static String pem;

  private final Cli cli = new Cli();

  @BeforeAll
  static void unsealedMaster() throws Exception {
    master = MasterProcess.start(dir);
    token = master.initAndUnseal();
    pem = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
  }

  @AfterAll
  static void stop() {
    master.close();
  }

  @BeforeEach
  void online() {
    cli.env("BRINE_MASTER_CONFIG", dir.resolve("master.yaml").toString());
    cli.env("BRINE_ADDR", master.address());
    cli.env("BRINE_TOKEN", token);
  }

  private static Path key(String status, String id) {
    return dir.resolve("pki/master").resolve(status).resolve(id);
  }

  private static void pending(String id) throws Exception {
    Files.writeString(key("minions_pre", id), pem);
  }

  @Test
  void accept_thenRejectAccepted_thenDelete_goThroughTheMaster() throws Exception {
    pending("on1");
    pending("on2");

    Result listed = cli.run("key", "-l", "un", "--out", "json");
    Result accepted = cli.run("key", "-a", "on*", "-y");

    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(JSON.readTree(listed.out()).get("minions_pre").toString())
        .contains("\"on1\"", "\"on2\"");
    assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
    assertThat(accepted.out())
        .contains("Key for minion on1 accepted.", "Key for minion on2 accepted.");
    assertThat(accepted.err()).isEmpty();
    assertThat(key("minions", "on1")).exists();
    assertThat(key("minions_pre", "on1")).doesNotExist();

    Result rejected = cli.run("key", "-r", "on1", "--include-accepted", "-y");

    assertThat(rejected.exitCode()).as(rejected.toString()).isZero();
    assertThat(rejected.out())
        .contains("Key for minion on1 rejected.")
        .contains("rotates its key");
    assertThat(key("minions_rejected", "on1")).exists();
    // The rotation for the removal; its reason names whichever noticed it first: the API's own
    // count of the removal, or the folder watch that saw the file go a moment before.
    awaitRotation("(an accepted minion key was removed)", "(an accepted minion key left minions/");

    Result deleted = cli.run("key", "-d", "on1,on2", "-y");

    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(deleted.out())
        .contains("Key for minion on1 deleted.", "Key for minion on2 deleted.");
    assertThat(key("minions_rejected", "on1")).doesNotExist();
    assertThat(key("minions", "on2")).doesNotExist();
    assertThat(master.log()).contains("key for minion on2 deleted (was accepted)");
  }

  @Test
  void fingerAndPrint_readTheKeysThroughTheMaster_notTheLocalFolder() throws Exception {
    pending("fp1");
    // A config whose pki_dir is an empty folder: what is printed can only come from the master.
    Path elsewhere = dir.resolve("elsewhere");
    Files.createDirectories(elsewhere);
    Path config = elsewhere.resolve("master.yaml");
    Files.writeString(
        config,
        "pki_dir: " + elsewhere.resolve("pki") + "\nvault:\n  storage_dir: "
            + elsewhere.resolve("vault") + "\n");
    cli.env("BRINE_MASTER_CONFIG", config.toString());

    Result finger = cli.run("key", "-f", "fp1", "--out", "json");
    Result print = cli.run("key", "-p", "fp1");

    assertThat(finger.exitCode()).as(finger.toString()).isZero();
    JsonNode json = JSON.readTree(finger.out());
    assertThat(json.path("minions_pre").path("fp1").asText())
        .isEqualTo(io.brine.crypto.rsa.Fingerprints.salt(pem));
    String masterPub = Files.readString(dir.resolve("pki/master/master.pub"));
    assertThat(json.path("local").path("master.pub").asText())
        .isEqualTo(io.brine.crypto.rsa.Fingerprints.salt(masterPub));
    assertThat(print.exitCode()).as(print.toString()).isZero();
    assertThat(print.out()).contains(pem.strip());
    assertThat(elsewhere.resolve("pki/master/minions_pre/fp1")).doesNotExist();
    cli.env("BRINE_MASTER_CONFIG", dir.resolve("master.yaml").toString());
    cli.run("key", "-d", "fp1", "-y");
  }

  @Test
  void noMatch_exitsThree_online_andPromptsAreUnchanged() throws Exception {
    pending("prompted");

    Result none = cli.run("key", "-a", "nothing*", "-y");
    Result declined = cli.runWithStdin("n\n", "key", "-a", "prompted");

    assertThat(none.exitCode()).isEqualTo(KeyCommand.NO_MATCH);
    assertThat(declined.exitCode()).as(declined.toString()).isZero();
    assertThat(declined.out())
        .contains("The following keys are going to be accepted:", "prompted", "Proceed? [n/Y]");
    assertThat(key("minions_pre", "prompted")).exists();
    cli.run("key", "-d", "prompted", "-y");
  }

  @Test
  void rotate_printsTheNewEpoch_andNeedsATokenAndAMaster() throws Exception {
    Result first = cli.run("key", "--rotate");
    Result second = cli.run("key", "--rotate", "--out", "json");

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).matches("Publish key rotated: epoch \\d+\\.\\R");
    int epoch = Integer.parseInt(first.out().replaceAll("\\D", ""));
    assertThat(JSON.readTree(second.out()).get("epoch").asInt()).isEqualTo(epoch + 1);

    Result noToken = cli.env("BRINE_TOKEN", null).run("key", "--rotate");
    assertThat(noToken.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(noToken.err()).contains("give a token with BRINE_TOKEN or --token");

    Result listNoToken = cli.run("key", "-L");
    assertThat(listNoToken.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(listNoToken.err()).contains("give a token with BRINE_TOKEN or --token");

    Result badToken = cli.run("key", "-L", "--token", "wrong");
    assertThat(badToken.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(badToken.err()).contains("403");

    Result noAddress =
        cli.env("BRINE_ADDR", null).env("BRINE_TOKEN", token).run("key", "--rotate");
    assertThat(noAddress.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(noAddress.err()).contains("--rotate needs the running master");
  }

  @Test
  void noMasterListening_fallsBackToTheFolder_withOneLineOnStderr() throws Exception {
    pending("off1");
    String closed = "http://127.0.0.1:" + freePort();
    cli.env("BRINE_ADDR", closed);

    Result accepted = cli.run("key", "-a", "off1", "-y");
    Result rotate = cli.run("key", "--rotate");

    assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
    assertThat(accepted.err())
        .isEqualTo(
            "master not reachable at "
                + closed
                + "; working on "
                + dir.resolve("pki")
                + " directly: a running master notices a removed key within seconds"
                + System.lineSeparator());
    assertThat(accepted.out()).contains("Key for minion off1 accepted.");
    assertThat(key("minions", "off1")).exists();
    assertThat(rotate.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(rotate.err()).contains("cannot reach brine master at " + closed);
    Result listedWithoutToken = cli.env("BRINE_TOKEN", null).run("key", "-l", "acc");
    assertThat(listedWithoutToken.exitCode()).as("no token needed to fall back").isZero();
    assertThat(listedWithoutToken.out()).contains("off1");
    assertThat(listedWithoutToken.err()).startsWith("master not reachable at ");
    cli.env("BRINE_TOKEN", token);
    cli.env("BRINE_ADDR", master.address()).run("key", "-d", "off1", "-y");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitRotation(String... reasons) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!rotatedFor(reasons) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(rotatedFor(reasons)).as(master.log()).isTrue();
  }

  private static boolean rotatedFor(String... reasons) {
    return master.log().lines()
        .filter(l -> l.contains("publish key rotated to epoch"))
        .anyMatch(l -> Arrays.stream(reasons).anyMatch(l::contains));
  }
}
