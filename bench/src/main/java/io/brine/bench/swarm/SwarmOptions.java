package io.brine.bench.swarm;

import io.brine.minion.config.MasterAddress;
import io.brine.minion.config.MinionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one swarm run does.
 *
 * @param masters where the masters listen for minions ({@code ret_port}); with several (a cluster,
 *     {@code --master A,B,C}) minion {@code i} lists them all in Salt's failover form starting at
 *     the {@code i mod n}-th, so the fleet is spread over them and each minion moves on when its
 *     master dies
 * @param apis the masters' operator APIs, e.g. http://127.0.0.1:8200; with several, each call goes
 *     to the one that serves it (the active master of a cluster; see {@link OperatorApi})
 * @param token a token that may publish jobs and delete keys
 * @param minions how many minions to run
 * @param keys where each minion's key pair is cached between runs ({@code <keys>/m00042/minion})
 * @param keysize bits of the minions' keys when they are first made
 * @param pings how many {@code test.ping} jobs to time
 * @param loops event-loop threads the minions share
 * @param json where to write the figures as JSON, or null
 * @param keysOnly only make the missing keys and stop (so a measured run never waits for them)
 * @param masterPub the master's {@code master.pub}, pinned in every minion before the run so the
 *     handshakes are those of a fleet that has met its master; null: no pin (first contact)
 * @param masterPidFile a file holding the master's pid, re-read at each use (a restart changes it);
 *     null: the master's CPU, heap and RSS are not measured
 * @param masterKeysize bits of the master's key, for the RSA cost figure 1 compares against when
 *     {@code masterPub} does not say
 * @param reconnect after the pings, close every minion and start it again: the storm on a warm
 *     master ({@link ReconnectPhase})
 * @param rotation delete minion 0's key after the pings and time the rotation that follows
 * @param restartCommand a shell command that kills the master, starts it again and unseals it;
 *     null: no restart phase
 * @param warmup how many of the minions' keys warm the swarm's own code before the storm, against
 *     a master inside the swarm ({@link SwarmWarmup}); 0: none, the swarm starts cold
 * @param masterAliveInterval the minions' {@code master_alive_interval} when there are several
 *     masters: a master silent this long is left
 * @param killActivePidFiles one pid file per entry of {@code apis}, in the same order: after the
 *     other phases the active master is killed with SIGKILL and the fleet's recovery timed ({@link
 *     KillActivePhase}); empty: no such phase
 * @param stateSls after the pings, {@code state.apply} of this SLS to every minion, {@code
 *     stateRuns} times ({@link StatePhase}); null: no such phase
 * @param stateRuns how many state.apply runs, the first cold
 */
public record SwarmOptions(
    List<MasterAddress> masters,
    List<String> apis,
    String token,
    int minions,
    Path keys,
    int keysize,
    int pings,
    int loops,
    Path json,
    boolean keysOnly,
    Path masterPub,
    Path masterPidFile,
    int masterKeysize,
    boolean reconnect,
    boolean rotation,
    String restartCommand,
    int warmup,
    Duration masterAliveInterval,
    List<Path> killActivePidFiles,
    String stateSls,
    int stateRuns) {
  static final int DEFAULT_MASTER_KEYSIZE = 4096;
  static final Duration DEFAULT_MASTER_ALIVE_INTERVAL = Duration.ofSeconds(5);

  public SwarmOptions {
    masters = List.copyOf(masters);
    apis = List.copyOf(apis);
    killActivePidFiles = List.copyOf(killActivePidFiles);
  }

  /** The first master's operator API: any unsealed master of a cluster answers seal-status. */
  String api() {
    return apis.get(0);
  }

  static final String USAGE =
      "usage: Swarm --master HOST:PORT[,HOST:PORT...] --api URL[,URL...] --token TOKEN"
          + " --minions N [--keys DIR] [--keysize BITS] [--pings N] [--loops N] [--json FILE]"
          + " [--master-pub FILE] [--master-pid-file FILE] [--master-keysize BITS] [--reconnect]"
          + " [--rotation] [--restart-command CMD] [--warmup N] [--master-alive-interval SECONDS]"
          + " [--kill-active PIDFILE,PIDFILE...] [--state SLS] [--state-runs N]\n"
          + "       Swarm --keys-only --minions N [--keys DIR] [--keysize BITS]";

  static SwarmOptions parse(String[] args) {
    String master = null;
    String api = null;
    String token = System.getenv("BRINE_TOKEN");
    int minions = 0;
    Path keys = Path.of(System.getProperty("java.io.tmpdir"), "brine-swarm-keys");
    int keysize = 2048;
    int pings = 20;
    int loops = Runtime.getRuntime().availableProcessors();
    Path json = null;
    boolean keysOnly = false;
    Path masterPub = null;
    Path masterPidFile = null;
    int masterKeysize = DEFAULT_MASTER_KEYSIZE;
    boolean reconnect = false;
    boolean rotation = false;
    String restartCommand = null;
    int warmup = 0;
    Duration aliveInterval = DEFAULT_MASTER_ALIVE_INTERVAL;
    List<Path> killActive = List.of();
    String stateSls = null;
    int stateRuns = 3;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--keys-only")) {
        keysOnly = true;
        continue;
      }
      if (args[i].equals("--reconnect")) {
        reconnect = true;
        continue;
      }
      if (args[i].equals("--rotation")) {
        rotation = true;
        continue;
      }
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) {
        throw new IllegalArgumentException(args[i] + " needs a value\n" + USAGE);
      }
      switch (args[i]) {
        case "--master" -> master = value;
        case "--api" -> api = value;
        case "--token" -> token = value;
        case "--minions" -> minions = Integer.parseInt(value);
        case "--keys" -> keys = Path.of(value);
        case "--keysize" -> keysize = Integer.parseInt(value);
        case "--pings" -> pings = Integer.parseInt(value);
        case "--loops" -> loops = Integer.parseInt(value);
        case "--json" -> json = Path.of(value);
        case "--master-pub" -> masterPub = Path.of(value);
        case "--master-pid-file" -> masterPidFile = Path.of(value);
        case "--master-keysize" -> masterKeysize = Integer.parseInt(value);
        case "--restart-command" -> restartCommand = value;
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--master-alive-interval" ->
            aliveInterval = Duration.ofSeconds(Integer.parseInt(value));
        case "--state" -> stateSls = value;
        case "--state-runs" -> stateRuns = Integer.parseInt(value);
        case "--kill-active" -> killActive = Arrays.stream(value.split(",")).map(Path::of).toList();
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
      i++;
    }
    if (keysOnly && minions >= 1) {
      return new SwarmOptions(
          List.of(),
          List.of(),
          null,
          minions,
          keys,
          keysize,
          0,
          loops,
          null,
          true,
          null,
          null,
          masterKeysize,
          false,
          false,
          null,
          0,
          aliveInterval,
          List.of(),
          null,
          0);
    }
    if (master == null || api == null || token == null || minions < 1) {
      throw new IllegalArgumentException(USAGE);
    }
    List<MasterAddress> masters = new ArrayList<>();
    for (String entry : master.split(",")) {
      try {
        masters.add(MasterAddress.parse(entry, MinionConfig.DEFAULT_MASTER_PORT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--master " + entry + " " + e.getMessage(), e);
      }
    }
    List<String> apis = List.of(api.split(","));
    if (!killActive.isEmpty() && (killActive.size() != apis.size() || apis.size() < 2)) {
      throw new IllegalArgumentException(
          "--kill-active needs one pid file per --api URL, and at least two masters\n" + USAGE);
    }
    if (aliveInterval.isNegative() || aliveInterval.isZero()) {
      throw new IllegalArgumentException("--master-alive-interval must be positive\n" + USAGE);
    }
    // Minion 0 is the one whose key the rotation deletes; the others must remain to be counted.
    if (rotation && minions < 2) {
      throw new IllegalArgumentException("--rotation needs at least 2 minions\n" + USAGE);
    }
    if (stateSls != null && stateRuns < 1) {
      throw new IllegalArgumentException("--state-runs must be 1 or more\n" + USAGE);
    }
    if (warmup < 0) {
      throw new IllegalArgumentException("--warmup must be 0 or more\n" + USAGE);
    }
    return new SwarmOptions(
        masters,
        apis,
        token,
        minions,
        keys,
        keysize,
        pings,
        loops,
        json,
        false,
        masterPub,
        masterPidFile,
        masterKeysize,
        reconnect,
        rotation,
        restartCommand,
        Math.min(warmup, minions),
        aliveInterval,
        killActive,
        stateSls,
        stateRuns);
  }
}
