package io.brine.bench.jobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.master.jobs.AddResult;
import io.brine.master.jobs.Jid;
import io.brine.master.jobs.JobCache;
import io.brine.master.jobs.JobRecord;
import io.brine.master.jobs.JobReturn;
import io.brine.master.jobs.JobStore;
import io.brine.master.jobs.shared.SharedJobCache;
import io.brine.protocol.MinionId;
import io.brine.vault.storage.postgresql.WriteFence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Issue 17's cost of PostgreSQL on a job: returns per second into the shared job cache against
 * the file cache, in the same run. Each round is one {@code test.ping} to {@code --minions}
 * minions, all answering at once: {@code --workers} threads (the master's call workers) hand
 * every return to {@link JobStore#addReturnAsync} and the round ends when the last is
 * acknowledged (on disk, or committed). The file cache writes under {@code --work} (the real
 * disk); the shared one goes to the database of {@code --jdbc-url} as {@code --user}, the
 * password in {@code BRINE_BENCH_PG_PASSWORD}. A warm-up round of each comes first, not counted.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.brine.bench.jobs.ReturnRate --work DIR
 *     --jdbc-url jdbc:postgresql://HOST:PORT/DB --user USER
 *     [--minions 10000] [--rounds 5] [--workers 8] [--pool 8]
 * </pre>
 *
 * It prints each round, the medians, and the median of the rounds' ratios (a round runs the two
 * side by side, so its ratio is the fairer number on a machine whose load moves); the numbers are
 * reported, not judged.
 */
public final class ReturnRate {
  record Options(
      Path work, String jdbcUrl, String user, int minions, int rounds, int workers, int pool) {
    static Options parse(String[] args) {
      Path work = null;
      String url = null;
      String user = null;
      int minions = 10_000;
      int rounds = 5;
      int workers = 8;
      int pool = 8;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args[++i];
        switch (name) {
          case "--work" -> work = Path.of(value).toAbsolutePath();
          case "--jdbc-url" -> url = value;
          case "--user" -> user = value;
          case "--minions" -> minions = Integer.parseInt(value);
          case "--rounds" -> rounds = Integer.parseInt(value);
          case "--workers" -> workers = Integer.parseInt(value);
          case "--pool" -> pool = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (work == null || url == null || user == null) {
        throw new IllegalArgumentException("--work, --jdbc-url and --user are required");
      }
      return new Options(work, url, user, minions, rounds, workers, pool);
    }
  }

  private ReturnRate() {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    List<MinionId> minions = new ArrayList<>();
    for (int i = 0; i < o.minions(); i++) {
      minions.add(MinionId.of(String.format("minion-%05d", i)));
    }
    ExecutorService workers = Executors.newFixedThreadPool(o.workers());
    Files.createDirectories(o.work());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(o.jdbcUrl());
    config.setUsername(o.user());
    config.setPassword(System.getenv().getOrDefault("BRINE_BENCH_PG_PASSWORD", ""));
    config.setMaximumPoolSize(o.pool());
    List<Double> file = new ArrayList<>();
    List<Double> shared = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    try (HikariDataSource pool = new HikariDataSource(config);
        JobCache fileCache =
            JobCache.open(
                Files.createTempDirectory(o.work(), "jobs-"),
                100_000,
                Duration.ofDays(1),
                Clock.systemUTC(),
                RandomNonceAesGcm.create(AesGcmKey.generate()));
        SharedJobCache sharedCache =
            SharedJobCache.open(
                pool,
                RandomNonceAesGcm.create(AesGcmKey.generate()),
                WriteFence.NONE,
                100_000,
                Duration.ofDays(1),
                Clock.systemUTC())) {
      for (int round = 0; round <= o.rounds(); round++) {
        double f = round(fileCache, minions, workers);
        double s = round(sharedCache, minions, workers);
        String label = round == 0 ? "warm-up" : "round " + round;
        System.out.printf(
            "%-8s file cache %8.0f returns/s   shared (PostgreSQL) %8.0f returns/s   (%.2f x)%n",
            label, f, s, s / f);
        if (round > 0) {
          file.add(f);
          shared.add(s);
          ratios.add(s / f);
        }
      }
    } finally {
      workers.shutdownNow();
    }
    System.out.printf(
        "median   file cache %8.0f returns/s   shared (PostgreSQL) %8.0f returns/s"
            + "   (median of the rounds' ratios %.2f x)%n",
        median(file), median(shared), median(ratios));
  }

  /** One job, every minion returning once, all in flight at once; returns per second. */
  private static double round(JobStore store, List<MinionId> minions, ExecutorService workers)
      throws IOException, InterruptedException {
    Instant now = Instant.now();
    String jid = Jid.next(Clock.systemUTC());
    store.create(
        new JobRecord(jid, "test.ping", List.of(), Map.of(), "*", "glob", minions, List.of(), now));
    List<MinionId> order = new ArrayList<>(minions);
    Collections.shuffle(order);
    List<CompletableFuture<AddResult>> acks = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    for (MinionId id : order) {
      workers.execute(
          () ->
              acks.add(
                  store.addReturnAsync(
                      jid, new JobReturn(id, "test.ping", true, 0, true, Instant.now()))));
    }
    while (acks.size() < minions.size()) {
      TimeUnit.MILLISECONDS.sleep(1);
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    long nanos = System.nanoTime() - start;
    for (CompletableFuture<AddResult> ack : acks) {
      if (ack.join() != AddResult.ADDED) {
        throw new IllegalStateException("a return was not added: " + ack.join());
      }
    }
    return minions.size() / (nanos / 1e9);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
