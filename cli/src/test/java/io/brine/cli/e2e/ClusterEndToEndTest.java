package io.brine.cli.e2e;

import static io.brine.cli.testing.ClusterProbe.await;
import static io.brine.cli.testing.ClusterProbe.awaitActive;
import static io.brine.cli.testing.ClusterProbe.health;
import static io.brine.cli.testing.ClusterProbe.leaderAddress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.testing.Hvac;
import io.brine.cli.testing.MasterProcess;
import io.brine.vault.testing.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code brine master} processes on one real PostgreSQL, as operators run a cluster:
 * each unsealed with the same shares, one active. Debian's python3-hvac reads sys/leader from a
 * standby and writes through it (following the 307); kill -9 of the active master hands the lock
 * to a standby once its TTL (OpenBao's 15 s) has passed; SIGSTOP of the new active master past
 * the TTL, then SIGCONT: another has taken over, and the resumed one writes nothing and steps down.
 */
class ClusterEndToEndTest {
  @TempDir Path dir;

  /** OpenBao's lock TTL, which the masters keep: a crashed active master's row lives this long. */
  private static final Duration TTL = Duration.ofSeconds(15);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void threeMasters_oneActive_hvacThroughAStandby_killAndStopTheActive() throws Exception {
    PostgresServer.Database database = PostgresServer.shared().newDatabase();
    List<MasterProcess> masters = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Path home = Files.createDirectories(dir.resolve("m" + i));
        masters.add(
            MasterProcess.start(
                home,
                "  storage:\n"
                    + "    type: postgresql\n"
                    + "    connection_url: \"" + database.connectionUrl() + "\"\n"
                    + "    ha_enabled: \"true\"\n"));
        assertThat(masters.get(i).startLine()).contains("storage postgresql (HA)");
      }
      JsonNode init = masters.get(0).initJson();
      String key = init.get("keys").get(0).asText();
      String token = init.get("root_token").asText();
      for (MasterProcess m : masters) {
        m.unseal(key);
      }
      MasterProcess first = awaitActive(masters, Duration.ofSeconds(30));
      List<MasterProcess> standbys = new ArrayList<>(masters);
      standbys.remove(first);
      for (MasterProcess s : standbys) {
        await(Duration.ofSeconds(30), "a standby names the leader",
            () -> first.address().equals(leaderAddress(s)));
        assertThat(health(s)).isEqualTo(429);
      }

      // hvac, through a standby: sys/leader, sys/health, and a write that follows the 307.
      JsonNode hvac =
          Hvac.run("cluster.py", standbys.get(0).address(), token,
                  Map.of("ACTIVE_ADDR", first.address()))
              .requireSuccess()
              .json();
      assertThat(hvac.get("policy").asText()).contains("secret/cluster/*");

      // kill -9: no release, so the standbys wait out the row's TTL, then one takes over.
      long killed = System.nanoTime();
      first.kill();
      MasterProcess second = awaitActive(standbys, TTL.plus(Duration.ofSeconds(20)));
      Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
      assertThat(takeover).isLessThan(TTL.plus(Duration.ofSeconds(8)));
      MasterProcess third = standbys.get(standbys.get(0) == second ? 1 : 0);
      await(Duration.ofSeconds(30), "the last standby names the new leader",
          () -> second.address().equals(leaderAddress(third)));

      // SIGSTOP past the TTL: the other takes the lock. A write sent to the stopped one waits in
      // its socket until SIGCONT.
      String heldBefore = lockRow(database);
      second.signal("STOP");
      try {
        MasterProcess now = awaitActive(List.of(third), TTL.plus(Duration.ofSeconds(20)));
        assertThat(now).isSameAs(third);
        String takenOver = lockRow(database);
        assertThat(takenOver).isNotEqualTo(heldBefore);
        CompletableFuture<HttpResponse<String>> queued =
            http.sendAsync(
                HttpRequest.newBuilder(URI.create(second.address() + "/v1/sys/policies/acl/paused"))
                    .timeout(Duration.ofSeconds(60))
                    .header("X-Vault-Token", token)
                    .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"policy\": \"path \\\"x/*\\\" { capabilities = [\\\"read\\\"] }\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(500); // the request reaches the stopped master's socket
        second.signal("CONT");
        HttpResponse<String> answer = queued.get(60, TimeUnit.SECONDS);
        // Either it learnt of the loss first (then 307 to the new active master, or 503 while
        // it has not read who that is yet) or the write's own transaction was refused (the lock
        // gone, or the standby's fence back in place): never a stored write.
        if (answer.statusCode() == 307) {
          assertThat(answer.headers().firstValue("Location"))
              .hasValue(third.address() + "/v1/sys/policies/acl/paused");
        } else if (answer.statusCode() == 503) {
          assertThat(answer.body()).contains("no active brine master found");
        } else {
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
          assertThat(answer.body())
              .containsAnyOf(
                  "fenced write refused: this master lost the HA lock",
                  "this master is a standby: writes go to the active master");
        }
        await(Duration.ofSeconds(20), "the resumed master steps down", () -> health(second) == 429);
        assertThat(lockRow(database)).isEqualTo(takenOver);
        assertThat(kvRows(database, "paused")).isZero();
        HttpResponse<String> read =
            http.send(
                HttpRequest.newBuilder(URI.create(third.address() + "/v1/sys/policies/acl/paused"))
                    .header("X-Vault-Token", token)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(404);
        await(Duration.ofSeconds(20), "the resumed master names the new leader",
            () -> third.address().equals(leaderAddress(second)));
      } finally {
        second.signal("CONT");
      }
      assertThat(second.log()).contains("stepped down (it lost the HA lock)");
      assertThat(second.log()).doesNotContain(token).doesNotContain(database.connectionUrl());
    } finally {
      for (MasterProcess m : masters) {
        m.close();
      }
    }
  }

  /** The HA lock's row: who holds it, and with which value. */
  private static String lockRow(PostgresServer.Database database) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT ha_identity, ha_value FROM openbao_ha_locks")) {
      return r.next() ? r.getString(1) + " " + r.getString(2) : "";
    }
  }

  private static int kvRows(PostgresServer.Database database, String key) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT count(*) FROM openbao_kv_store WHERE key = '" + key + "'")) {
      r.next();
      return r.getInt(1);
    }
  }

}
