package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.MasterProcess;
import io.brine.common.files.DurableFiles;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's fault "a master killed with kill -9 during an accept": a real master accepts a batch
 * of pending keys through its API and is SIGKILLed once the first one is logged as accepted, in
 * the middle of the batch. After a restart every key is in exactly one folder, intact, and no temp
 * file is left: the folder's repair (PkiDirectory's javadoc) finished or undid each move.
 */
class KillDuringAcceptTest {
  private static final int KEYS = 2000;

  @TempDir Path dir;

  @Test
  void killDuringABatchAccept_leavesEveryKeyInExactlyOneFolder_afterRestart() throws Exception {
    MasterProcess master = MasterProcess.start(dir);
    String token = master.initAndUnseal();
    String pem = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
    Path folders = dir.resolve("pki/master");
    List<String> ids = IntStream.range(0, KEYS).mapToObj(i -> String.format("k%04d", i)).toList();
    for (String id : ids) {
      Files.writeString(folders.resolve("minions_pre").resolve(id), pem);
    }

    CompletableFuture<HttpResponse<String>> accepting =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(URI.create(master.address() + "/v1/brine/keys/accept"))
                    .timeout(Duration.ofSeconds(60))
                    .header("X-Vault-Token", token)
                    .PUT(HttpRequest.BodyPublishers.ofString(idsJson(ids)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    awaitLog(master, "key for minion k0000 accepted");
    master.kill();
    assertThat(accepting).failsWithin(Duration.ofSeconds(30));

    try (MasterProcess restarted = MasterProcess.startWithConfig(dir.resolve("master.yaml"))) {
      List<String> accepted = names(folders.resolve("minions"));
      List<String> pending = names(folders.resolve("minions_pre"));

      assertThat(accepted).as("the first accept was done before the kill").contains("k0000");
      // 2,000 durable moves take seconds; the kill follows the first within milliseconds.
      assertThat(pending).as("the kill landed in the middle of the batch").isNotEmpty();
      List<String> both = new ArrayList<>(accepted);
      both.retainAll(pending);
      assertThat(both).as("ids in both folders after the repair").isEmpty();
      List<String> all = new ArrayList<>(accepted);
      all.addAll(pending);
      assertThat(all).as("every id in one of the two").containsExactlyInAnyOrderElementsOf(ids);
      for (String folder : List.of("minions", "minions_pre", "minions_rejected", "minions_denied")) {
        try (Stream<Path> files = Files.list(folders.resolve(folder))) {
          for (Path file : files.toList()) {
            assertThat(file.getFileName().toString())
                .as("left in %s", folder)
                .doesNotStartWith(DurableFiles.TEMP_PREFIX);
            assertThat(Files.readString(file)).as("%s intact", file).isEqualTo(pem);
          }
        }
      }
      assertThat(restarted.isAlive()).isTrue();
    }
  }

  private static String idsJson(List<String> ids) {
    return ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "{\"ids\":[", "]}"));
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Waits for the master to log {@code text}: a liveness bound, not a timing assertion. */
  private static void awaitLog(MasterProcess master, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!master.log().contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(master.log()).as("the master's log").contains(text);
  }
}
