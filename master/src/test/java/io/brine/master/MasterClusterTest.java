package io.brine.master;

import static io.brine.master.ClusterTestMembers.api;
import static io.brine.master.ClusterTestMembers.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.ha.HaCoordinator;
import io.brine.master.testing.ApiClient;
import io.brine.vault.storage.postgresql.FencedWriteException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several real masters in one JVM on one real PostgreSQL database, as a cluster: who is active,
 * what a standby answers, how writes reach the active one, and what happens when the active one
 * seals, steps down or loses its lock.
 */
class MasterClusterTest {
  @TempDir Path dir;

  private static final Duration TAKEOVER = Duration.ofSeconds(20);

  private static String policy(String name) {
    return "{\"policy\": \"path \\\"secret/" + name + "\\\" { capabilities = [\\\"read\\\"] }\"}";
  }

  @Test
  void oneIsActive_standbysAnswer429_nameTheLeader_andRedirectEverythingElse() throws Exception {
    try (ClusterTestMembers cluster = new ClusterTestMembers(dir, ClusterTestMembers.QUICK)) {
      cluster.start(3, "").initAndUnsealAll();
      MasterDaemon active = cluster.awaitOneActive(TAKEOVER);
      assertThat(cluster.startLines.get(0)).contains("vault sealed (shamir), storage postgresql (HA);");
      for (MasterDaemon m : cluster.members) {
        if (m == active) {
          continue;
        }
        ApiClient standby = api(m);
        ApiClient.Reply health = standby.get("/v1/sys/health");
        assertThat(health.status()).isEqualTo(429);
        assertThat(health.json().path("standby").asBoolean()).isTrue();
        assertThat(health.json().path("sealed").asBoolean()).isFalse();
        assertThat(standby.get("/v1/sys/health?standbyok=true").status()).isEqualTo(200);
        assertThat(standby.get("/v1/sys/health?standbycode=472").status()).isEqualTo(472);
        assertThat(standby.get("/v1/sys/health?standbycode=abc").status()).isEqualTo(400);

        await(TAKEOVER, "the standby knows the leader", () -> m.cluster().leader().isPresent());
        JsonNode leader = standby.get("/v1/sys/leader").json();
        assertThat(leader.path("ha_enabled").asBoolean()).isTrue();
        assertThat(leader.path("is_self").asBoolean()).isFalse();
        assertThat(leader.path("leader_address").asText()).isEqualTo(active.apiUrl());
        assertThat(leader.path("leader_cluster_address").asText()).isEmpty();
        assertThat(Instant.parse(leader.path("active_time").asText())).isBefore(Instant.now());
        assertThat(standby.get("/v1/sys/seal-status").json().path("storage_type").asText())
            .isEqualTo("postgresql");
        assertThat(standby.get("/v1/sys/init").json().path("initialized").asBoolean()).isTrue();

        // Everything else, known path or not, goes to the active master: same path and query.
        ApiClient.Reply redirected =
            standby.send("GET", "/v1/sys/policies/acl/web?list=false&x=%2F", null,
                "X-Vault-Token", cluster.rootToken);
        assertThat(redirected.status()).isEqualTo(307);
        assertThat(redirected.text()).isEmpty();
        assertThat(redirected.headers().firstValue("Location"))
            .hasValue(active.apiUrl() + "/v1/sys/policies/acl/web?list=false&x=%2F");
        assertThat(standby.get("/v1/no/such/path").status()).isEqualTo(307);
        // The absolute form a client may send: only its path and query go on.
        assertThat(rawRequest(m, "GET http://elsewhere.example/v1/sys/mounts?a=b HTTP/1.1"))
            .startsWith("HTTP/1.1 307 Temporary Redirect")
            .containsIgnoringCase("location: " + active.apiUrl() + "/v1/sys/mounts?a=b\r\n");
        // Neither form: appended to the leader's URL it would name another host (user info).
        assertThat(rawRequest(m, "GET @evil.example/v1/sys/mounts HTTP/1.1"))
            .doesNotContainIgnoringCase("location:")
            .doesNotContain("evil.example");
        // A standby refuses to seal itself, as OpenBao's does, rather than seal the active one.
        ApiClient.Reply seal = standby.put("/v1/sys/seal", null, cluster.rootToken);
        assertThat(seal.status()).isEqualTo(500);
        assertThat(seal.error())
            .isEqualTo("vault cannot seal when in standby mode; please restart instead");
        assertThat(active.vault().sealStatus().sealed()).isFalse();
      }
      JsonNode self = api(active).get("/v1/sys/leader").json();
      assertThat(self.path("is_self").asBoolean()).isTrue();
      assertThat(self.path("leader_address").asText()).isEqualTo(active.apiUrl());
      assertThat(api(active).get("/v1/sys/health").status()).isEqualTo(200);

      // A write through a standby: a client that follows the 307 (java.net.http) lands it on
      // the active master, and every master reads it.
      MasterDaemon standby = cluster.members.stream().filter(m -> m != active).findFirst().get();
      HttpClient following =
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<String> written =
          following.send(
              HttpRequest.newBuilder(URI.create(standby.apiUrl() + "/v1/sys/policies/acl/web"))
                  .header("X-Vault-Token", cluster.rootToken)
                  .PUT(HttpRequest.BodyPublishers.ofString(policy("web")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
      assertThat(written.uri().toString()).startsWith(active.apiUrl());
      for (MasterDaemon m : cluster.members) {
        assertThat(m.vault().barrier().get("sys/policy/web")).isPresent();
      }

      // Every master serves its minions with the one master key the active made.
      RSAPublicKey key = (RSAPublicKey) active.keys().masterKey().orElseThrow().getPublic();
      for (MasterDaemon m : cluster.members) {
        await(TAKEOVER, "the standby loads the master key", () -> m.keys().masterKey().isPresent());
        assertThat(((RSAPublicKey) m.keys().masterKey().get().getPublic()).getModulus())
            .isEqualTo(key.getModulus());
        assertThat(Files.readString(m.keys().publicKeyFile()))
            .isEqualTo(Files.readString(active.keys().publicKeyFile()));
      }
    }
  }

  @Test
  void theActiveSeals_aStandbyTakesOverAtItsNextAttempt_withoutWaitingForTheTtl()
      throws Exception {
    try (ClusterTestMembers cluster = new ClusterTestMembers(dir, longTtl())) {
      cluster.start(2, "").initAndUnsealAll();
      MasterDaemon first = cluster.awaitOneActive(TAKEOVER);
      MasterDaemon second = cluster.members.get(cluster.members.get(0) == first ? 1 : 0);

      long sealedAt = System.nanoTime();
      assertThat(api(first).put("/v1/sys/seal", null, cluster.rootToken).status()).isEqualTo(204);
      await(TAKEOVER, "the standby takes over", () -> second.cluster().active());
      // The sealed one released the lock: no wait for its 60 s TTL.
      assertThat(Duration.ofNanos(System.nanoTime() - sealedAt)).isLessThan(Duration.ofSeconds(30));
      assertThat(ClusterTestMembers.role(first)).isEqualTo(HaCoordinator.Role.SEALED);

      ApiClient.Reply leader = api(first).get("/v1/sys/leader");
      assertThat(leader.status()).isEqualTo(503);
      assertThat(leader.error()).isEqualTo("Vault is sealed");
      assertThat(api(first).get("/v1/sys/health").status()).isEqualTo(503);
      assertThat(api(second).get("/v1/sys/health").status()).isEqualTo(200);
      // The new active master writes; the old advert is gone.
      assertThat(api(second).put("/v1/sys/policies/acl/after", policy("after"), cluster.rootToken)
              .status())
          .isEqualTo(204);
      assertThat(second.vault().barrier().list("core/leader/")).hasSize(1);

      // Unsealed again, the first is a standby that names the second.
      cluster.unseal(first);
      await(TAKEOVER, "the first names the second", () -> first.cluster().leader().isPresent());
      assertThat(first.cluster().active()).isFalse();
      assertThat(first.cluster().leader().get().address()).isEqualTo(second.apiUrl());
    }
  }

  @Test
  void stepDown_throughAStandby_movesTheLockAndIsAudited() throws Exception {
    try (ClusterTestMembers cluster = new ClusterTestMembers(dir, longTtl())) {
      cluster.start(
          2,
          "  audit:\n"
              + "    - type: file\n"
              + "      options:\n"
              + "        file_path: audit.log\n");
      cluster.initAndUnsealAll();
      MasterDaemon first = cluster.awaitOneActive(TAKEOVER);
      MasterDaemon second = cluster.members.get(cluster.members.get(0) == first ? 1 : 0);

      HttpClient following =
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<String> stepped =
          following.send(
              HttpRequest.newBuilder(URI.create(second.apiUrl() + "/v1/sys/step-down"))
                  .header("X-Vault-Token", cluster.rootToken)
                  .PUT(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(stepped.statusCode()).isEqualTo(204);
      await(TAKEOVER, "the standby takes over", () -> second.cluster().active());
      assertThat(first.cluster().active()).isFalse();
      assertThat(api(first).get("/v1/sys/health").status()).isEqualTo(429);

      // Without a token, or with a token without sudo, the step-down is refused.
      assertThat(api(second).put("/v1/sys/step-down", null).status()).isEqualTo(403);

      // The request went through the one request path: audited on the master that served it.
      Path log = firstHome(cluster, first).resolve("audit.log");
      await(
          TAKEOVER,
          "the step-down in the audit log",
          () -> {
            try {
              return Files.exists(log) && Files.readString(log).contains("\"sys/step-down\"");
            } catch (java.io.IOException e) {
              return false;
            }
          });
    }
  }

  @Test
  void theActiveLosesItsLock_itsWritesAreFenced_itStepsDown_andAnotherTakesOver()
      throws Exception {
    try (ClusterTestMembers cluster = new ClusterTestMembers(dir, ClusterTestMembers.QUICK)) {
      // The first reaches the database as a role of its own, so the test can cut it off from
      // taking the lock (INSERT) while it still renews and checks it (UPDATE).
      MasterDaemon second = cluster.startMember(cluster.database.connectionUrl(), "", "");
      String role = "member_" + UUID.randomUUID().toString().substring(0, 8);
      String password = UUID.randomUUID().toString();
      sql(
          cluster,
          "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'",
          "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
          "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO " + role);
      String url =
          "postgres://" + role + ":" + password + "@127.0.0.1:"
              + cluster.database.server().port() + "/" + cluster.database.name()
              + "?sslmode=disable";
      MasterDaemon first = cluster.startMember(url, "    skip_create_table: true\n", "");
      cluster.initAndUnseal(first);
      await(TAKEOVER, "the first is active", () -> first.cluster().active());
      cluster.unseal(second);
      await(TAKEOVER, "the second names the first", () -> second.cluster().leader().isPresent());

      // As if the first had been paused while another master took the lock (and vanished): the
      // row names another holder for a second, and the first cannot take the lock back.
      sql(
          cluster,
          "REVOKE INSERT ON openbao_ha_locks FROM " + role,
          "UPDATE openbao_ha_locks SET ha_identity = 'someone-else',"
              + " valid_until = NOW() + INTERVAL '1 second'");
      // Its next write is refused inside the write's own transaction.
      assertThatThrownBy(() -> first.vault().barrier().put("test/fenced", new byte[] {1}))
          .isInstanceOf(FencedWriteException.class)
          .hasMessage("fenced write refused: this master lost the HA lock");
      await(TAKEOVER, "the first steps down", () -> !first.cluster().active());
      await(TAKEOVER, "the second takes over", () -> second.cluster().active());
      sql(cluster, "GRANT INSERT ON openbao_ha_locks TO " + role);

      assertThat(api(first).get("/v1/sys/health").status()).isEqualTo(429);
      assertThat(second.vault().barrier().get("test/fenced")).isEmpty();
      try (Connection c = cluster.database.connect();
          Statement s = c.createStatement();
          ResultSet rows =
              s.executeQuery("SELECT count(*) FROM openbao_kv_store WHERE key = 'fenced'")) {
        rows.next();
        assertThat(rows.getInt(1)).isZero();
      }
      // The first follows the second, writes nothing, and sends operators to it.
      await(
          TAKEOVER,
          "the first names the second",
          () ->
              first.cluster().leader().map(l -> l.address().equals(second.apiUrl())).orElse(false));
      ApiClient.Reply redirected = api(first).put("/v1/sys/policies/acl/x", policy("x"));
      assertThat(redirected.status()).isEqualTo(307);
      assertThat(redirected.headers().firstValue("Location"))
          .hasValue(second.apiUrl() + "/v1/sys/policies/acl/x");
      assertThatThrownBy(() -> first.vault().barrier().put("test/standby", new byte[] {1}))
          .isInstanceOf(FencedWriteException.class)
          .hasMessage("this master is a standby: writes go to the active master");
    }
  }

  private static void sql(ClusterTestMembers cluster, String... statements) throws Exception {
    try (Connection c = cluster.database.connect();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  @Test
  void rotationsOnTheActive_areFollowedByTheStandbys() throws Exception {
    try (ClusterTestMembers cluster =
        new ClusterTestMembers(dir, ClusterTestMembers.QUICK).start(2, "")) {
      cluster.initAndUnsealAll();
      MasterDaemon active = cluster.awaitOneActive(TAKEOVER);
      MasterDaemon standby = cluster.members.get(cluster.members.get(0) == active ? 1 : 0);
      ApiClient api = api(active);
      String token = cluster.rootToken;

      int before = api.get("/v1/sys/key-status", token).json().path("data").path("term").asInt();
      assertThat(api.put("/v1/sys/rotate", null, token).status()).isEqualTo(204);
      assertThat(api.put("/v1/sys/policies/acl/term2", policy("term2"), token).status())
          .isEqualTo(204);
      assertThat(text(standby, "sys/policy/term2")).contains("secret/term2");

      assertThat(api.put("/v1/sys/rotate/root", null, token).status()).isEqualTo(204);
      assertThat(api.put("/v1/sys/rotate", null, token).status()).isEqualTo(204);
      assertThat(api.put("/v1/sys/policies/acl/term3", policy("term3"), token).status())
          .isEqualTo(204);
      assertThat(text(standby, "sys/policy/term3")).contains("secret/term3");
      assertThat(api.get("/v1/sys/key-status", token).json().path("data").path("term").asInt())
          .isEqualTo(before + 2);

      // The master key's rotation: the standby serves the new key, as its minions will.
      await(TAKEOVER, "the standby loads the key", () -> standby.keys().masterKey().isPresent());
      ApiClient.Reply rotated =
          api.put("/v1/sys/master-key/rotate", Map.of("grace", "0s"), token);
      assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
      RSAPublicKey next = (RSAPublicKey) active.keys().masterKey().orElseThrow().getPublic();
      await(
          TAKEOVER,
          "the standby follows the master key's rotation",
          () ->
              ((RSAPublicKey) standby.keys().masterKey().orElseThrow().getPublic())
                  .getModulus()
                  .equals(next.getModulus()));
    }
  }

  @Test
  void twoInitsRacing_exactlyOneSucceeds() throws Exception {
    for (int round = 0; round < 3; round++) {
      try (ClusterTestMembers cluster =
          new ClusterTestMembers(dir.resolve("round-" + round), ClusterTestMembers.QUICK)
              .start(2, "")) {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          List<Future<ApiClient.Reply>> replies = new ArrayList<>();
          for (MasterDaemon m : cluster.members) {
            replies.add(
                pool.submit(
                    () -> {
                      go.await();
                      return api(m)
                          .put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1));
                    }));
          }
          go.countDown();
          List<Integer> codes = new ArrayList<>();
          for (Future<ApiClient.Reply> f : replies) {
            ApiClient.Reply r = f.get();
            codes.add(r.status());
            if (r.status() == 400) {
              assertThat(r.error())
                  .satisfiesAnyOf(
                      e -> assertThat(e).isEqualTo("Vault is already initialized"),
                      e -> assertThat(e).startsWith("cannot initialize the vault now: another"));
            }
          }
          assertThat(codes).containsExactlyInAnyOrder(200, 400);
        } finally {
          pool.shutdownNow();
        }
        try (Connection c = cluster.database.connect();
            Statement s = c.createStatement();
            ResultSet rows =
                s.executeQuery("SELECT count(*) FROM openbao_kv_store WHERE path = '/core/'")) {
          rows.next();
          assertThat(rows.getInt(1)).isEqualTo(1); // one core record
        }
      }
    }
  }

  /** One request line sent as is over a socket; the answer's status line and headers. */
  private static String rawRequest(MasterDaemon m, String requestLine) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", m.apiPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write((requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static String text(MasterDaemon m, String path) throws Exception {
    return new String(m.vault().barrier().get(path).orElseThrow(), StandardCharsets.UTF_8);
  }

  private Path firstHome(ClusterTestMembers cluster, MasterDaemon m) {
    return dir.resolve("master-" + cluster.members.indexOf(m));
  }

  /** A TTL far longer than a takeover may take: a takeover within it did not wait for it. */
  private static io.brine.master.ha.ClusterTiming longTtl() {
    return new io.brine.master.ha.ClusterTiming(
        new io.brine.vault.storage.postgresql.PostgresqlHaLock.Timing(
            Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofMillis(200)),
        Duration.ofMillis(200),
        Duration.ofSeconds(3));
  }
}
