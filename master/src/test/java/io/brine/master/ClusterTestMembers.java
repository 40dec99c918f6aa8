package io.brine.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.config.MasterConfig;
import io.brine.master.ha.ClusterTiming;
import io.brine.master.ha.HaCoordinator;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.vault.storage.postgresql.PostgresqlHaLock;
import io.brine.vault.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Masters of one cluster in this JVM: each with its own folder (PKI, job cache), API and minion
 * ports, all on one database of the shared test PostgreSQL, with short lock timings.
 */
final class ClusterTestMembers implements AutoCloseable {
  /** A TTL long enough for a loaded two-core machine, and quick attempts and checks. */
  static final ClusterTiming QUICK =
      new ClusterTiming(
          new PostgresqlHaLock.Timing(
              Duration.ofSeconds(5), Duration.ofMillis(1000), Duration.ofMillis(200)),
          Duration.ofMillis(200),
          Duration.ofSeconds(3));

  final PostgresServer.Database database;
  final List<MasterDaemon> members = new ArrayList<>();
  final List<String> startLines = new ArrayList<>();
  private final Path dir;
  private final ClusterTiming timing;
  String rootToken;
  List<String> shares;

  ClusterTestMembers(Path dir, ClusterTiming timing) {
    this.dir = dir;
    this.timing = timing;
    this.database = PostgresServer.shared().newDatabase();
  }

  /** Starts {@code n} masters; {@code extraVaultLines} go under {@code vault:} of each. */
  ClusterTestMembers start(int n, String extraVaultLines) throws Exception {
    for (int i = 0; i < n; i++) {
      startMember(database.connectionUrl(), "", extraVaultLines);
    }
    return this;
  }

  /** Starts one more master reaching the database at {@code connectionUrl}. */
  MasterDaemon startMember(String connectionUrl, String extraStorageLines, String extraVaultLines)
      throws Exception {
    Path home = Files.createDirectories(dir.resolve("master-" + members.size()));
    MasterConfig config =
        TestMaster.write(
            home,
            "  storage:\n"
                + "    type: postgresql\n"
                + "    connection_url: \"" + connectionUrl + "\"\n"
                + "    ha_enabled: \"true\"\n"
                + extraStorageLines
                + extraVaultLines);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MasterDaemon m;
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      m = MasterDaemon.start(config, print, timing);
    }
    members.add(m);
    startLines.add(out.toString(StandardCharsets.UTF_8).trim());
    return m;
  }

  /** Initializes through {@code m} (one share) and unseals {@code m} alone. */
  void initAndUnseal(MasterDaemon m) throws Exception {
    JsonNode init =
        api(m).put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
    rootToken = init.path("root_token").asText();
    shares = List.of(init.path("keys").get(0).asText());
    unseal(m);
  }

  MasterDaemon member(int i) {
    return members.get(i);
  }

  static ApiClient api(MasterDaemon m) {
    return new ApiClient(m.apiUrl());
  }

  /** Initializes through member 0 (one share) and unseals every member with it. */
  ClusterTestMembers initAndUnsealAll() throws Exception {
    initAndUnseal(member(0));
    for (MasterDaemon m : members.subList(1, members.size())) {
      unseal(m);
    }
    return this;
  }

  void unseal(MasterDaemon m) throws Exception {
    ApiClient.Reply r = api(m).put("/v1/sys/unseal", ApiClient.key(shares.get(0)));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("sealed").asBoolean()).isFalse();
  }

  /** The one active member, once exactly one of the unsealed ones is active (waits for it). */
  MasterDaemon awaitOneActive(Duration within) throws InterruptedException {
    MasterDaemon[] found = new MasterDaemon[1];
    await(
        within,
        "exactly one active master",
        () -> {
          List<MasterDaemon> active =
              members.stream().filter(m -> m.cluster().active()).toList();
          found[0] = active.size() == 1 ? active.get(0) : null;
          return found[0] != null;
        });
    return found[0];
  }

  static HaCoordinator.Role role(MasterDaemon m) {
    return m.haCoordinator().role();
  }

  static void await(Duration within, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
      }
      Thread.sleep(25);
    }
  }

  @Override
  public void close() {
    for (MasterDaemon m : members) {
      m.close();
    }
  }
}
