package io.brine.cli.testing;

import static io.brine.cli.testing.ClusterProbe.await;
import static io.brine.cli.testing.ClusterProbe.health;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli.Result;
import io.brine.vault.testing.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Real {@code brine master} processes on one real PostgreSQL database, initialised and unsealed
 * with one share, and real minions that each list every master (Salt's failover form), the i-th
 * starting at master i modulo the count, so the minions are spread over the masters. What the
 * cluster end-to-end tests share; {@link #close} stops the minions, then the masters.
 */
public final class MasterCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final List<MasterProcess> masters = new ArrayList<>();
  private final List<MinionProcess> minions = new ArrayList<>();
  private String token;

  private MasterCluster(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts {@code count} masters on {@code database} ({@code topLevelConfig} is appended to each
   * master's config, at the top level), initialises the first, unseals all and waits until one
   * is active and a standby names it.
   */
  public static MasterCluster start(
      Path dir, PostgresServer.Database database, int count, String topLevelConfig)
      throws IOException, InterruptedException {
    MasterCluster cluster = new MasterCluster(dir);
    try {
      for (int i = 0; i < count; i++) {
        cluster.masters.add(
            MasterProcess.start(
                Files.createDirectories(dir.resolve("m" + i)),
                "  storage:\n"
                    + "    type: postgresql\n"
                    + "    connection_url: \"" + database.connectionUrl() + "\"\n"
                    + "    ha_enabled: \"true\"\n"
                    + topLevelConfig));
      }
      JsonNode init = cluster.masters.get(0).initJson();
      String share = init.get("keys").get(0).asText();
      cluster.token = init.get("root_token").asText();
      for (MasterProcess m : cluster.masters) {
        m.unseal(share);
      }
      MasterProcess active = cluster.awaitActive(Duration.ofSeconds(30));
      MasterProcess standby = cluster.standby(active);
      await(Duration.ofSeconds(30), "the standby names the leader", () -> health(standby) == 429);
      // Until a master holds the cluster's key-row key it answers a minion's HELLO with SEALED,
      // and the minion moves on to the next master: the tests place minion i on master i.
      for (MasterProcess m : cluster.masters) {
        await(Duration.ofSeconds(60), "every master has loaded the cluster's keys",
            () -> m.log().contains("the cluster's data and key-row keys are loaded"));
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  public List<MasterProcess> masters() {
    return masters;
  }

  public List<MinionProcess> minions() {
    return minions;
  }

  public String rootToken() {
    return token;
  }

  /** The one live master answering health 200, once exactly one does. */
  public MasterProcess awaitActive(Duration within) throws InterruptedException {
    List<MasterProcess> alive = masters.stream().filter(MasterProcess::isAlive).toList();
    return ClusterProbe.awaitActive(alive, within);
  }

  /**
   * A live master other than {@code active}, once it knows who the active is (its {@code
   * sys/leader} names a leader): a standby that has not yet read the lock forwards nothing, and a
   * test that asks it at once would fail on that race, not on what it tests.
   */
  public MasterProcess standby(MasterProcess active) throws InterruptedException {
    MasterProcess standby =
        masters.stream()
            .filter(m -> m != active && m.isAlive())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no live standby"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (ClusterProbe.leaderAddress(standby).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return standby;
  }

  /** {@code brine} run with the root token against {@code master}. */
  public Cli cli(MasterProcess master) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  /**
   * Starts one minion per id, each listing every master from a different first one, then accepts
   * every key through {@code via} (a standby follows the 307) and waits until each minion holds a
   * session on its first master.
   */
  public void startAcceptedMinions(List<String> ids, String minionConfig, MasterProcess via)
      throws InterruptedException {
    int firstMinion = minions.size();
    List<List<Integer>> orders = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      List<Integer> order = new ArrayList<>();
      for (int k = 0; k < masters.size(); k++) {
        order.add(masters.get((i + k) % masters.size()).minionPort());
      }
      orders.add(order);
      minions.add(
          MinionProcess.startWithMasters(
              dir.resolve("minion-" + ids.get(i)), ids.get(i), order, minionConfig));
    }
    Cli cli = cli(via);
    await(Duration.ofSeconds(60), "every key is pending in the shared set",
        () -> {
          Result listed = cli.run("key", "-L", "--out", "json");
          return listed.exitCode() == 0
              && ids.stream().allMatch(id -> listed.out().contains("\"" + id + "\""));
        });
    Result accepted = cli.run("key", "-A", "-y");
    assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
    for (int i = 0; i < ids.size(); i++) {
      MinionProcess m = minions.get(firstMinion + i);
      String first =
          "authenticated to master 127.0.0.1:" + masters.get(i % masters.size()).minionPort();
      await(Duration.ofSeconds(60), ids.get(i) + " authenticated",
          () -> m.log().contains("authenticated to master"));
      if (!m.log().contains(first)) {
        // It moved on before acceptance (a master answered SEALED or did not answer in time on
        // a loaded machine) and holds its session elsewhere: the tests place minion i on master
        // i, so start it again; its key is accepted now and its first master answers.
        m.close();
        MinionProcess again =
            MinionProcess.startWithMasters(
                dir.resolve("minion-" + ids.get(i)), ids.get(i), orders.get(i), minionConfig);
        minions.set(firstMinion + i, again);
        await(Duration.ofSeconds(60), ids.get(i) + " authenticated to its first master",
            () -> again.log().contains(first));
      }
    }
  }

  /**
   * Runs {@code fun arg} on every minion through {@code cli} until all of {@code ids} return (a
   * failover or a takeover may be under way); the returns by minion id.
   */
  public static JsonNode awaitAllReturn(
      Cli cli, List<String> ids, String fun, String arg, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Result last = null;
    while (System.nanoTime() < deadline) {
      last = cli.run("run", "*", fun, arg, "--out", "json", "--static", "--timeout", "5");
      if (last.exitCode() == 0) {
        JsonNode out = JSON.readTree(last.out());
        if (out.size() == ids.size()) {
          return out;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("within " + within + " not every minion returned: " + last);
  }

  /** The returns of {@code jid} as {@code brine jobs show} prints them, or null when it fails. */
  public static JsonNode jobReturns(Cli cli, String jid) {
    Result shown = cli.run("jobs", "show", jid, "--out", "json");
    if (shown.exitCode() != 0) {
      return null;
    }
    try {
      return JSON.readTree(shown.out());
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    minions.forEach(MinionProcess::close);
    masters.forEach(MasterProcess::close);
  }
}
