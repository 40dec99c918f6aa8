package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code brine master} with a file audit device: SIGKILL under audited load leaves a file
 * {@code brine audit verify} accepts up to its last whole entry, and the chain goes on across a
 * restart and across a file rotated under SIGHUP.
 */
class AuditKillEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  private MasterProcess master;

  @AfterEach
  void stop() {
    if (master != null) {
      master.close();
    }
  }

  private Path log() {
    return dir.resolve("audit/audit.log");
  }

  private MasterProcess startMaster() {
    return MasterProcess.start(
        dir,
        "  audit_checkpoint_entries: 50\n"
            + "  audit:\n"
            + "    - type: file\n"
            + "      options: {file_path: " + log() + "}\n");
  }

  private static HttpResponse<String> send(
      MasterProcess m, String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(m.address() + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("X-Vault-Token", token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A few authenticated requests, each of which must be recorded and answered. */
  private static void someRequests(MasterProcess m, String token) throws Exception {
    assertThat(send(m, "GET", "/v1/auth/token/lookup-self", null, token).statusCode()).isEqualTo(200);
    assertThat(send(m, "GET", "/v1/sys/key-status", null, token).statusCode()).isEqualTo(200);
    assertThat(send(m, "POST", "/v1/auth/token/create", "{\"policies\":[\"default\"]}", token)
        .statusCode()).isEqualTo(200);
  }

  private static Cli.Result verify(String... args) {
    String[] command = new String[args.length + 2];
    command[0] = "audit";
    command[1] = "verify";
    System.arraycopy(args, 0, command, 2, args.length);
    return new Cli().run(command);
  }

  @Test
  void sigkillUnderLoad_leavesAFileThatVerifies_andTheChainGoesOnAfterARestart() throws Exception {
    master = startMaster();
    JsonNode init = master.initJson();
    String share = init.path("keys").get(0).asText();
    String root = init.path("root_token").asText();
    master.unseal(share);
    String key = send(master, "GET", "/v1/brine/audit/checkpoint-key", null, null).body();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    String[][] calls = {
      {"GET", "/v1/auth/token/lookup-self", null},
      {"GET", "/v1/sys/key-status", null},
      {"POST", "/v1/auth/token/create", "{\"policies\":[\"default\"],\"display_name\":\"load\"}"},
    };
    MasterProcess loaded = master;
    for (int t = 0; t < 6; t++) {
      String[] call = calls[t % calls.length];
      Thread client =
          new Thread(
              () -> {
                // Bounded: stops when told, when the master is gone, or after 5,000 requests.
                for (int i = 0; i < 5_000 && !stop.get(); i++) {
                  try {
                    if (send(loaded, call[0], call[1], call[2], root).statusCode() == 200) {
                      answered.incrementAndGet();
                    }
                  } catch (Exception gone) {
                    return;
                  }
                }
              },
              "audit-load-" + t);
      client.start();
      clients.add(client);
    }
    Thread.sleep(2_000);
    master.kill(); // mid-load: the clients are still sending
    stop.set(true);
    for (Thread client : clients) {
      client.join(30_000);
    }
    master = null;
    assertThat(answered.get()).as("requests answered before the kill").isGreaterThan(10);

    Cli.Result afterKill = verify(log().toString());
    assertThat(afterKill.exitCode()).as(afterKill.toString()).isZero();
    List<String> lines = afterKill.out().lines().toList();
    assertThat(lines.get(lines.size() - 1)).as(afterKill.toString()).startsWith("chain holds: ");
    // A torn last line, if the kill left one, is said so; nothing else is wrong.
    assertThat(lines)
        .as(afterKill.toString())
        .allMatch(
            l -> l.startsWith("chain holds: ")
                || l.startsWith("note: checkpoint key not pinned")
                || l.startsWith("warning: the last ")
                || l.matches(".*: ends mid-entry after seq \\d+; the \\d+ entries before it hold"));
    long entriesBefore = Files.readAllLines(log()).stream().filter(l -> l.endsWith("}")).count();

    master = startMaster();
    master.unseal(share);
    someRequests(master, root);
    master.close(); // a clean stop writes its checkpoint
    master = null;

    Cli.Result afterRestart = verify("--public-key", key, log().toString());
    assertThat(afterRestart.exitCode()).as(afterRestart.toString()).isZero();
    assertThat(afterRestart.out()).doesNotContain("not pinned").doesNotContain("ends mid-entry");
    String holds = afterRestart.out().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(holds).startsWith("chain holds: ").contains(", seq 1..");
    long entriesAfter = Long.parseLong(holds.replaceAll("chain holds: (\\d+) entr.*", "$1"));
    assertThat(entriesAfter).isGreaterThan(entriesBefore);
  }

  @Test
  void sighup_reopensARotatedFile_andTheChainContinuesAcrossBoth() throws Exception {
    master = startMaster();
    String root = master.initAndUnseal();
    String key = send(master, "GET", "/v1/brine/audit/checkpoint-key", null, null).body();
    someRequests(master, root);

    Path rotated = dir.resolve("audit/audit.log.1");
    Files.move(log(), rotated);
    master.signal("HUP");
    // The signal is handled on the master's own time: until then entries go to the moved file.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.exists(log()) && System.nanoTime() < deadline) {
      someRequests(master, root);
      Thread.sleep(50);
    }
    assertThat(log()).as(master.log()).exists();
    someRequests(master, root);
    assertThat(master.isAlive()).isTrue();

    Cli.Result both = verify("--public-key", key, rotated.toString(), log().toString());
    assertThat(both.exitCode()).as(both.toString()).isZero();
    assertThat(both.out().lines().reduce((a, b) -> b).orElseThrow()).startsWith("chain holds: ");

    long firstSeq =
        JSON.readTree(Files.readAllLines(log()).get(0)).path("seq").asLong();
    Cli.Result alone = verify("--public-key", key, log().toString());
    assertThat(alone.exitCode()).as(alone.toString()).isZero();
    assertThat(alone.out().lines().findFirst().orElseThrow())
        .isEqualTo("note: " + log() + " starts at seq " + firstSeq
            + ": it continues an earlier file not given here");

    Cli.Result reversed = verify("--public-key", key, log().toString(), rotated.toString());
    assertThat(reversed.exitCode()).as(reversed.toString()).isEqualTo(1);
    assertThat(reversed.out()).contains(rotated + ": does not continue " + log() + " (which ends at seq ");
  }
}
