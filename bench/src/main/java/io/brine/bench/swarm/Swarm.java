package io.brine.bench.swarm;

import io.brine.crypto.CryptoProviders;
import io.brine.minion.config.FailoverConfig;
import io.brine.minion.config.MasterAddress;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.daemon.MinionDaemon;
import io.brine.minion.daemon.SharedThreads;
import io.brine.minion.jobs.JobThreads;
import io.brine.protocol.MinionId;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The minion swarm (issue 7): N minions in one JVM, each a real {@link MinionDaemon} with its own
 * key and its own TCP connection, all sharing a few event loops, against a real {@code brine
 * master} process that accepts them ({@code auto_accept: true}). It measures:
 *
 * <ol>
 *   <li>the auth storm: from starting all N at once to all N holding a session, and meanwhile the
 *       latency of the operator API's {@code sys/seal-status};
 *   <li>with {@code --master-pid-file}: the master's CPU for the storm, per handshake and in RSA
 *       private operations (figure 1), and its live heap per idle minion and RSS (figure 5);
 *   <li>{@code test.ping} to every swarm minion through the operator API: from the publish call to
 *       the last return in the job cache, p50 and p99 over {@code --pings} jobs;
 *   <li>with {@code --state SLS}: {@code state.apply SLS} to every swarm minion, wall time and the
 *       master's CPU per run ({@link StatePhase});
 *   <li>with {@code --rotation}: a publish-key rotation under load ({@link RotationPhase});
 *   <li>with {@code --restart-command}: a master killed and restarted under load ({@link
 *       RestartPhase});
 *   <li>with several masters ({@code --master A,B,C --api U,V,W}, a cluster) and {@code
 *       --kill-active}: the active master killed with SIGKILL under load, until every minion holds
 *       a session again and a job runs on all ({@link KillActivePhase}).
 * </ol>
 *
 * Prints a table and writes JSON ({@link SwarmReport}). bench/swarm.sh runs it against a fresh
 * master; by hand:
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.brine.bench.swarm.Swarm \
 *       --master 127.0.0.1:4506 --api http://127.0.0.1:8200 --token $BRINE_TOKEN --minions 1000
 * </pre>
 */
public final class Swarm {
  /** Job threads all the simulated minions share: as many as one real minion has. */
  private static final int JOB_THREADS = 8;
  private static final Duration AUTH_LIMIT = Duration.ofMinutes(10);
  private static final Duration PING_LIMIT = Duration.ofMinutes(2);

  /**
   * What a run measured; a phase that did not run is null.
   *
   * @param pinned whether every minion had the master's key pinned (a pinned handshake)
   * @param swarmWarmupSeconds how long the swarm warmed its own code before the storm, or null
   * @param swarmStormCpuSeconds this JVM's own CPU over the auth storm
   * @param sealStatusInStorm seal-status latency during the auth storm
   * @param master the master's CPU, heap and RSS, with {@code --master-pid-file}
   * @param byMaster how many minions each master held right after the storm (a cluster's spread;
   *     a standby not yet able to read the keys answers SEALED and its minions move on)
   * @param publicationsOpened publications the minions verified and decrypted, over the whole run
   * @param publicationsDropped publications they dropped (not signed by the master, an unknown
   *     epoch, not decrypting): what to look at first when a job misses minions
   */
  public record Result(
      int minions,
      int keysMade,
      boolean pinned,
      Double swarmWarmupSeconds,
      double authStormSeconds,
      double swarmStormCpuSeconds,
      int authenticated,
      Latencies sealStatusInStorm,
      MasterCost master,
      List<Double> pingSeconds,
      int pingsComplete,
      Double masterCpuPerPingSeconds,
      ReconnectPhase reconnect,
      RotationPhase.Result rotation,
      RestartPhase.Result restart,
      KillActivePhase.Result killActive,
      Map<String, Integer> byMaster,
      long publicationsOpened,
      long publicationsDropped,
      StatePhase.Result state) {
    double percentile(double p) {
      return Latencies.percentile(pingSeconds, p);
    }

    /** Whether every minion did everything asked of it. */
    boolean complete(SwarmOptions options) {
      return authenticated == minions
          && pingsComplete == options.pings()
          && (reconnect == null || reconnect.back() == reconnect.minions())
          && (rotation == null || (rotation.lost() == 0 && rotation.allMovedSeconds() != null))
          && (restart == null || restart.allBackSeconds() != null)
          && (killActive == null || killActive.complete())
          && (state == null
              || (state.seconds().size() == options.stateRuns()
                  && state.failedReturns().stream().allMatch(f -> f == 0)));
    }
  }

  private final SwarmOptions options;
  private final MasterRestart restart;
  private final OperatorApi api;

  /** With the restart phase of {@code --restart-command}, if given. */
  public Swarm(SwarmOptions options) {
    this(
        options,
        options.restartCommand() == null ? null : new ShellRestart(options.restartCommand()));
  }

  /**
   * @param restart how to restart the master after the other phases, or null for no restart phase
   */
  public Swarm(SwarmOptions options, MasterRestart restart) {
    this.options = options;
    this.restart = restart;
    this.api = new OperatorApi(options.apis(), options.token());
  }

  public static void main(String[] args) throws Exception {
    SwarmOptions options;
    try {
      options = SwarmOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.keysOnly()) {
      int made = SwarmKeys.ensure(options.keys(), options.minions(), options.keysize(), null);
      System.out.printf("%d keys in %s (%d made now)%n", options.minions(), options.keys(), made);
      return;
    }
    String fdProblem = fileDescriptorProblem(options.minions());
    if (fdProblem != null) {
      System.err.println(fdProblem);
      System.exit(2);
      return;
    }
    Result result = new Swarm(options).run();
    System.out.print(SwarmReport.table(options, result));
    if (options.json() != null) {
      Files.writeString(options.json(), SwarmReport.jsonText(options, result));
    }
    System.exit(result.complete(options) ? 0 : 1);
  }

  public Result run() throws Exception {
    int made =
        SwarmKeys.ensure(options.keys(), options.minions(), options.keysize(), options.masterPub());
    MasterProcessStats masterStats =
        options.masterPidFile() == null ? null : new MasterProcessStats(options.masterPidFile());
    EventLoopGroup loops =
        new MultiThreadIoEventLoopGroup(
            options.loops(), new DefaultThreadFactory("swarm-io", true), NioIoHandler.newFactory());
    // One job pool for every simulated minion: a thread per minion per job (what N real minions
    // would have, on N machines) would make this JVM, not the master, the thing the pings time.
    JobThreads jobs = JobThreads.create(JOB_THREADS, Math.max(10_000, 4 * options.minions()));
    SharedThreads shared = new SharedThreads(loops, jobs);
    List<MinionDaemon> daemons = new ArrayList<>();
    try {
      Double warmupSeconds = null;
      if (options.warmup() > 0) {
        warmupSeconds =
            SwarmWarmup.run(
                options.keys(),
                options.warmup(),
                masterKeyBits(),
                options.keysize(),
                shared,
                Swarm::awaitAuthenticated);
      }
      // After the warm-up: its throwaway master's CPU is this JVM's, not the master's under test.
      MasterCost.Meter meter =
          masterStats == null ? null : MasterCost.beforeStorm(masterStats, masterKeyBits());
      int authenticated;
      double storm;
      double swarmCpu;
      Latencies sealStatus;
      SealStatusProbe probe = SealStatusProbe.start(options.api());
      try {
        double cpuStart = SwarmCpu.seconds();
        long start = System.nanoTime();
        daemons.addAll(
            ParallelStarts.startAll(options.minions(), i -> MinionDaemon.start(config(i), shared)));
        authenticated = awaitAuthenticated(daemons);
        storm = (System.nanoTime() - start) / 1e9;
        swarmCpu = SwarmCpu.seconds() - cpuStart;
      } finally {
        sealStatus = probe.stop();
      }
      boolean all = authenticated == options.minions();
      Map<String, Integer> byMaster = new TreeMap<>();
      for (MinionDaemon d : daemons) {
        byMaster.merge(String.valueOf(d.currentMaster()), 1, Integer::sum);
      }
      MasterCost master = meter != null && all ? meter.afterStorm(options.minions()) : null;
      List<Double> pings = new ArrayList<>();
      // The master's CPU over the pings tells its share of the figure from the swarm's: at 10,000
      // the swarm verifies and answers 10,000 publications per job on the same two cores.
      double cpuBeforePings = masterStats == null ? 0 : masterStats.cpuSeconds();
      for (int p = 0; p < options.pings() && all; p++) {
        double seconds = ping(daemons);
        if (seconds >= 0) {
          pings.add(seconds);
        }
      }
      Double masterCpuPerPing =
          masterStats == null || pings.isEmpty()
              ? null
              : (masterStats.cpuSeconds() - cpuBeforePings) / pings.size();
      StatePhase.Result state =
          options.stateSls() != null && all
              ? StatePhase.run(api, masterStats, options.stateSls(), options.stateRuns())
              : null;
      ReconnectPhase reconnect = null;
      if (options.reconnect() && all) {
        reconnect = ReconnectPhase.run(daemons, storm(shared), masterStats);
        all = reconnect.back() == reconnect.minions();
      }
      RotationPhase.Result rotation =
          options.rotation() && all ? RotationPhase.run(daemons, api, options.api()) : null;
      List<MinionDaemon> running = rotation == null ? daemons : daemons.subList(1, daemons.size());
      RestartPhase.Result restarted =
          restart != null && all ? RestartPhase.run(running, restart) : null;
      all = all && (restarted == null || restarted.allBackSeconds() != null);
      KillActivePhase.Result killed =
          !options.killActivePidFiles().isEmpty() && all
              ? KillActivePhase.run(running, options.masters(), options.killActivePidFiles(), api)
              : null;
      return new Result(
          options.minions(),
          made,
          options.masterPub() != null,
          warmupSeconds,
          storm,
          swarmCpu,
          authenticated,
          sealStatus,
          master,
          pings,
          pings.size(),
          masterCpuPerPing,
          reconnect,
          rotation,
          restarted,
          killed,
          byMaster,
          daemons.stream().mapToLong(MinionDaemon::publicationsOpened).sum(),
          daemons.stream().mapToLong(MinionDaemon::publicationsDropped).sum(),
          state);
    } finally {
      daemons.forEach(MinionDaemon::close);
      jobs.close();
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  /** The master's key size: from its master.pub when given, else as the options say. */
  private int masterKeyBits() throws IOException, GeneralSecurityException {
    return options.masterPub() != null
        ? RsaPrivateOpCost.modulusBits(options.masterPub())
        : options.masterKeysize();
  }

  private MinionConfig config(int i) {
    List<MasterAddress> masters = options.masters();
    if (masters.size() == 1) {
      MasterAddress master = masters.get(0);
      return minionConfig(
          master.host(), master.port(), i, SwarmKeys.pkiDir(options.keys(), i), options.keysize());
    }
    // Minion i starts at master i mod n and fails over in list order, as a fleet configured
    // with the list in different orders (or with random_master) spreads itself.
    List<MasterAddress> order = new ArrayList<>(masters);
    Collections.rotate(order, -(i % masters.size()));
    FailoverConfig failover =
        new FailoverConfig(
            FailoverConfig.Type.FAILOVER,
            options.masterAliveInterval(),
            false,
            false,
            Duration.ZERO);
    return minionConfig(order, failover, i, SwarmKeys.pkiDir(options.keys(), i), options.keysize());
  }

  /** Simulated minion {@code i}'s settings: short back-offs, so a storm is not timed by them. */
  static MinionConfig minionConfig(String host, int port, int i, Path pkiDir, int keysize) {
    return minionConfig(
        List.of(new MasterAddress(host, port)), FailoverConfig.NONE, i, pkiDir, keysize);
  }

  private static MinionConfig minionConfig(
      List<MasterAddress> masters, FailoverConfig failover, int i, Path pkiDir, int keysize) {
    return new MinionConfig(
        masters,
        masters.get(0).port(),
        MinionId.of(SwarmKeys.id(i)),
        pkiDir,
        keysize,
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        null,
        1024 * 1024,
        Duration.ofSeconds(10),
        // Its own jid memory: minions sharing one would refuse each other's jobs.
        pkiDir.resolve("cache"),
        Duration.ofSeconds(MinionConfig.DEFAULT_PUBLISH_MAX_AGE_SECONDS),
        // The swarm's own choice (-Dbrine.crypto.provider, else auto), not a file's.
        CryptoProviders.current().choice(),
        failover);
  }

  private ReconnectPhase.Storm storm(SharedThreads shared) {
    return new ReconnectPhase.Storm() {
      @Override
      public MinionDaemon start(int i) throws Exception {
        return MinionDaemon.start(config(i), shared);
      }

      @Override
      public int awaitAuthenticated(List<MinionDaemon> daemons) {
        return Swarm.awaitAuthenticated(daemons);
      }
    };
  }

  private static int awaitAuthenticated(List<MinionDaemon> daemons) {
    CompletableFuture<?>[] all =
        daemons.stream().map(MinionDaemon::authenticated).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(all).get(AUTH_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // counted below: the table says how many made it
    }
    return (int)
        Arrays.stream(all).filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
  }

  /** One test.ping to every swarm minion; seconds until all returned, or -1 past the limit. */
  private double ping(List<MinionDaemon> daemons) throws IOException, InterruptedException {
    long[] opened = daemons.stream().mapToLong(MinionDaemon::publicationsOpened).toArray();
    long start = System.nanoTime();
    OperatorApi.Job job = api.publishPing();
    long deadline = start + PING_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (api.returned(job.jid()) >= job.expected()) {
        return (System.nanoTime() - start) / 1e9;
      }
      Thread.sleep(Long.getLong("swarm.pollMillis", 20));
    }
    System.err.println(notReceived(daemons, opened, job));
    return -1;
  }

  /**
   * For a job that missed minions: which of them never opened a publication meanwhile (the job
   * did not reach them) and where they are, so a lost job says on which side it was lost.
   */
  private static String notReceived(List<MinionDaemon> daemons, long[] opened, OperatorApi.Job job) {
    List<String> silent = new ArrayList<>();
    for (int i = 0; i < daemons.size(); i++) {
      MinionDaemon d = daemons.get(i);
      if (d.publicationsOpened() == opened[i]) {
        silent.add(d.id().value() + " (" + d.state() + " on " + d.currentMaster() + ", "
            + d.sessionsStarted() + " sessions)");
      }
    }
    return String.format(
        Locale.ROOT,
        "swarm: job %s did not return from every minion within %d s; %d opened no publication"
            + " meanwhile%s",
        job.jid(),
        PING_LIMIT.toSeconds(),
        silent.size(),
        silent.isEmpty() ? "" : ": " + String.join(", ", silent.subList(0, Math.min(20, silent.size()))));
  }

  /**
   * Each minion holds one socket, and the JVM has already raised its soft limit to the hard one
   * (HotSpot's MaxFDLimit), so if the hard limit is too low only the operator can raise it.
   */
  static String fileDescriptorProblem(int minions) {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long needed = minions + 256L;
      long max = unix.getMaxFileDescriptorCount();
      if (max < needed) {
        return String.format(
            Locale.ROOT,
            "%d minions need about %d open files but this process may open %d: raise the limit"
                + " (ulimit -n %d, or LimitNOFILE= for a service) for the swarm and the master",
            minions,
            needed,
            max,
            needed);
      }
    }
    return null;
  }
}
