package io.brine.bench.swarm;

import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.config.MasterConfig;
import io.brine.master.listener.MinionListener;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.minion.daemon.MinionDaemon;
import io.brine.minion.daemon.SharedThreads;
import io.brine.minion.keys.MinionKeyFiles;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * Runs the swarm's minion code (the real {@code MinionDaemon}, its Netty client and handshake)
 * through some thousand handshakes against a master listener inside this JVM, before the measured
 * storm. A flight recording of the swarm in a cold storm showed its C2 compiler at about a third of
 * its CPU, on the two cores the master needs: work real minions do once each, on their own hosts.
 * The master under test is left cold; only the load generator is warmed, as any benchmark warms
 * its client. The throwaway master gets its own key and folder, and each minion here a copy of its
 * key without the real master's pin, so nothing of the measured run is touched: the first round is
 * a first contact (RSA-PSS signed answer), the second a pinned one (MACed answer, as in the storm).
 */
final class SwarmWarmup {
  private static final int ROUNDS = 2;

  private SwarmWarmup() {}

  /**
   * @param minions how many of the swarm's keys to use, from the first
   * @param await waits for the started daemons' sessions and says how many hold one
   * @return the wall seconds it took
   */
  static double run(
      Path keys,
      int minions,
      int masterKeyBits,
      int minionKeyBits,
      SharedThreads shared,
      ToIntFunction<List<MinionDaemon>> await)
      throws Exception {
    long start = System.nanoTime();
    Path dir = Files.createTempDirectory("brine-swarm-warmup");
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("warmup-rotator", true));
    MinionListener listener = null;
    try {
      KeyPair master = RsaKeys.generate(masterKeyBits);
      PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"));
      for (int i = 0; i < minions; i++) {
        Path minion = dir.resolve(SwarmKeys.id(i)).resolve("minion");
        Files.createDirectories(minion);
        MinionKeyFiles real = MinionKeyFiles.in(SwarmKeys.pkiDir(keys, i).resolve("minion"));
        Files.copy(real.privateKeyFile(), minion.resolve("minion.pem"));
        Files.copy(real.publicKeyFile(), minion.resolve("minion.pub"));
        Files.copy(real.publicKeyFile(), pki.root().resolve("minions").resolve(SwarmKeys.id(i)));
      }
      PublishKeyRotator rotator =
          new PublishKeyRotator(Duration.ofHours(1), Duration.ofSeconds(5), timer);
      rotator.start();
      listener =
          MinionListener.start(
              MasterConfig.Minions.defaults("127.0.0.1", 0),
              () -> Optional.of(master),
              pki,
              rotator,
              (id, request) -> CompletableFuture.completedFuture(new byte[0]));
      for (int round = 0; round < ROUNDS; round++) {
        List<MinionDaemon> daemons = new ArrayList<>();
        try {
          for (int i = 0; i < minions; i++) {
            daemons.add(
                MinionDaemon.start(
                    Swarm.minionConfig(
                        "127.0.0.1", listener.port(), i, dir.resolve(SwarmKeys.id(i)),
                        minionKeyBits),
                    shared));
          }
          int ready = await.applyAsInt(daemons);
          if (ready != minions) {
            throw new IllegalStateException(
                "the swarm's warm-up: " + ready + " of " + minions + " minions got a session");
          }
        } finally {
          daemons.forEach(MinionDaemon::close);
        }
      }
    } finally {
      if (listener != null) {
        listener.close();
      }
      timer.shutdownNow();
      deleteTree(dir);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
