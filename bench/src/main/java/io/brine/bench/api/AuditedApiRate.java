package io.brine.bench.api;

import io.brine.bench.attack.BrineCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Issue 15's benchmark: operator API requests per second with a file audit device against none,
 * in the same run. One real {@code brine master} (a child process), initialised and unsealed; a
 * token holding a small policy (not root, so every request goes through token use, the ACL and
 * the endpoint); then {@code --clients} kept-alive connections sending {@code GET
 * auth/token/lookup-self} and {@code GET sys/key-status} in turn, as fast as answered, for
 * {@code --seconds}. Each round runs once without a device and once with a file device enabled
 * through the API (a fresh file under {@code --work}, on the real disk), disabled after. A
 * warm-up pair of runs ({@code --warmup} s each) comes first and is not counted.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.brine.bench.api.AuditedApiRate --work DIR
 *     (--brine-jar cli/target/brine-cli.jar | --brine-class-path CP)
 *     [--rounds 5] [--seconds 5] [--clients 16] [--warmup 3]
 * </pre>
 *
 * It prints the rounds and the ratio of the medians; exit 0, or 1 when a request failed (the
 * ratio is reported, not judged: a timing on shared cores is not a test).
 */
public final class AuditedApiRate {
  static final String POLICY =
      "path \"sys/key-status\" {\n  capabilities = [\"read\"]\n}\n";
  static final List<String> PATHS = List.of("/v1/auth/token/lookup-self", "/v1/sys/key-status");
  private static final String DEVICE = "bench";
  private static final List<String> MASTER_JVM = List.of("-Xmx512m");

  record Options(
      Path work, BrineCommand brine, int rounds, int seconds, int clients, int warmup) {
    static Options parse(String[] args) {
      Path work = null;
      BrineCommand brine = null;
      int rounds = 5;
      int seconds = 5;
      int clients = 16;
      int warmup = 3;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args[++i];
        switch (name) {
          case "--work" -> work = Path.of(value).toAbsolutePath();
          case "--brine-jar" -> brine = BrineCommand.jar(Path.of(value));
          case "--brine-class-path" -> brine = BrineCommand.classPath(value);
          case "--rounds" -> rounds = positive(name, value);
          case "--seconds" -> seconds = positive(name, value);
          case "--clients" -> clients = positive(name, value);
          case "--warmup" -> warmup = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (work == null || brine == null) {
        throw new IllegalArgumentException("--work and --brine-jar (or --brine-class-path) are required");
      }
      return new Options(work, brine, rounds, seconds, clients, warmup);
    }

    private static int positive(String name, String value) {
      int n;
      try {
        n = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        n = 0;
      }
      if (n <= 0) {
        throw new IllegalArgumentException(name + " takes a positive number, not " + value);
      }
      return n;
    }
  }

  private final Options options;

  AuditedApiRate(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("AuditedApiRate: " + e.getMessage());
      System.err.println(
          "usage: AuditedApiRate --work DIR (--brine-jar JAR | --brine-class-path CP)"
              + " [--rounds N] [--seconds S] [--clients N] [--warmup S]");
      System.exit(2);
      return;
    }
    RateReport report = new AuditedApiRate(options).run();
    System.out.print(report.table());
    System.exit(report.errors() == 0 ? 0 : 1);
  }

  RateReport run() throws Exception {
    Path audit = Files.createDirectories(options.work().resolve("audit"));
    double fsyncs = FsyncRate.measure(audit, Duration.ofSeconds(2));
    try (BenchMaster master =
        BenchMaster.start(options.brine(), MASTER_JVM, options.work().resolve("master"))) {
      master.initAndUnseal();
      String token = master.tokenWithPolicy("bench-reader", POLICY);
      double loadedFsyncs = 0;
      if (options.warmup() > 0) {
        // The fsync reference again, this time while the cores serve the unaudited load: on a
        // small VM the journal's commit waits for CPU too, so this is the disk as the device sees it.
        Duration warmup = Duration.ofSeconds(options.warmup());
        java.util.concurrent.CompletableFuture<Double> loaded =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return FsyncRate.measure(audit, warmup);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
        drive(master, token, options.warmup());
        loadedFsyncs = loaded.join();
        audited(master, token, options.warmup(), audit.resolve("warmup.log"));
      }
      List<RateReport.Round> rounds = new ArrayList<>();
      for (int i = 1; i <= options.rounds(); i++) {
        RateReport.Run none = drive(master, token, options.seconds());
        Path file = audit.resolve("round-" + i + ".log");
        RateReport.Run withDevice = audited(master, token, options.seconds(), file);
        rounds.add(new RateReport.Round(none, withDevice, lines(file)));
      }
      return new RateReport(options.clients(), options.seconds(), fsyncs, loadedFsyncs, rounds);
    }
  }

  private RateReport.Run audited(BenchMaster master, String token, int seconds, Path file)
      throws Exception {
    master.enableFileDevice(DEVICE, file);
    try {
      return drive(master, token, seconds);
    } finally {
      master.disableDevice(DEVICE);
    }
  }

  /** {@code clients} threads, each on its own connection, for {@code seconds}. */
  private RateReport.Run drive(BenchMaster master, String token, int seconds)
      throws InterruptedException {
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch ready = new CountDownLatch(options.clients());
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < options.clients(); c++) {
      Thread t =
          new Thread(
              () -> {
                long mine = 0;
                long failed = 0;
                try (KeepAliveClient client = new KeepAliveClient(master.apiAddress(), token, PATHS)) {
                  ready.countDown();
                  go.await();
                  long end = window[1];
                  while (System.nanoTime() < end) {
                    try {
                      if (client.call() == 200) {
                        mine++;
                      } else {
                        failed++;
                      }
                    } catch (IOException e) {
                      failed++;
                      client.disconnect();
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                ok.addAndGet(mine);
                errors.addAndGet(failed);
              },
              "api-client-" + c);
      threads.add(t);
      t.start();
    }
    ready.await();
    window[0] = System.nanoTime();
    window[1] = window[0] + Duration.ofSeconds(seconds).toNanos();
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - window[0]) / 1e9;
    return new RateReport.Run(ok.get(), errors.get(), elapsed);
  }

  private static long lines(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
