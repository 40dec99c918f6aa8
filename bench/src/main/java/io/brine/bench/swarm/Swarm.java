package io.brine.bench.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.daemon.MinionDaemon;
import io.brine.protocol.MinionId;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The minion swarm (issue 7): N minions in one JVM, each a real {@link MinionDaemon} with its own
 * key and its own TCP connection, all sharing a few event loops, against a real {@code brine
 * master} process that accepts them ({@code auto_accept: true}). It measures:
 *
 * <ol>
 *   <li>the auth storm: from starting all N at once to all N holding a session;
 *   <li>{@code test.ping} to every swarm minion through the operator API: from the publish call to
 *       the last return in the job cache, p50 and p99 over {@code --pings} jobs.
 * </ol>
 *
 * Prints a table and writes JSON. Run (docs/performance.md has the whole recipe):
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.brine.bench.swarm.Swarm \
 *       --master 127.0.0.1:4506 --api http://127.0.0.1:8200 --token $BRINE_TOKEN --minions 1000
 * </pre>
 */
public final class Swarm {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Duration AUTH_LIMIT = Duration.ofMinutes(10);
  private static final Duration PING_LIMIT = Duration.ofMinutes(2);

  /** What a run measured. */
  public record Result(
      int minions,
      int keysMade,
      double authStormSeconds,
      int authenticated,
      List<Double> pingSeconds,
      int pingsComplete) {
    double percentile(double p) {
      if (pingSeconds.isEmpty()) {
        return Double.NaN;
      }
      double[] sorted = pingSeconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }

  private final SwarmOptions options;
  private final HttpClient http = HttpClient.newHttpClient();

  public Swarm(SwarmOptions options) {
    this.options = options;
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
      int made = SwarmKeys.ensure(options.keys(), options.minions(), options.keysize());
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
    System.out.print(table(options, result));
    if (options.json() != null) {
      Files.writeString(options.json(), JSON.writeValueAsString(json(options, result)));
    }
    System.exit(result.authenticated() == options.minions() ? 0 : 1);
  }

  public Result run() throws Exception {
    int made = SwarmKeys.ensure(options.keys(), options.minions(), options.keysize());
    EventLoopGroup loops =
        new MultiThreadIoEventLoopGroup(
            options.loops(),
            new DefaultThreadFactory("swarm-io", true),
            NioIoHandler.newFactory());
    List<MinionDaemon> daemons = new ArrayList<>();
    try {
      long start = System.nanoTime();
      for (int i = 0; i < options.minions(); i++) {
        daemons.add(MinionDaemon.start(config(i), loops));
      }
      int authenticated = awaitAuthenticated(daemons);
      double storm = (System.nanoTime() - start) / 1e9;
      List<Double> pings = new ArrayList<>();
      for (int p = 0; p < options.pings() && authenticated == options.minions(); p++) {
        double seconds = ping();
        if (seconds >= 0) {
          pings.add(seconds);
        }
      }
      return new Result(options.minions(), made, storm, authenticated, pings, pings.size());
    } finally {
      daemons.forEach(MinionDaemon::close);
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  private MinionConfig config(int i) {
    return new MinionConfig(
        options.masterHost(),
        options.masterPort(),
        MinionId.of(SwarmKeys.id(i)),
        SwarmKeys.pkiDir(options.keys(), i),
        options.keysize(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        null,
        1024 * 1024,
        Duration.ofSeconds(10));
  }

  private static int awaitAuthenticated(List<MinionDaemon> daemons) {
    CompletableFuture<?>[] all =
        daemons.stream().map(MinionDaemon::authenticated).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(all).get(AUTH_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // counted below: the table says how many made it
    }
    return (int) Arrays.stream(all).filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
  }

  /** One test.ping to every swarm minion; seconds until all returned, or -1 past the limit. */
  private double ping() throws IOException, InterruptedException {
    long start = System.nanoTime();
    JsonNode job =
        send(
            "PUT",
            "/v1/brine/jobs",
            "{\"tgt\":\"swarm-*\",\"fun\":\"test.ping\",\"timeout\":60}");
    String jid = job.path("jid").asText();
    int expected = job.path("minions").size();
    long deadline = start + PING_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode view = send("GET", "/v1/brine/jobs?jid=" + jid + "&count=true", null);
      if (view.path("returned").asInt() >= expected) {
        return (System.nanoTime() - start) / 1e9;
      }
      Thread.sleep(Long.getLong("swarm.pollMillis", 20));
    }
    return -1;
  }

  private JsonNode send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(options.api() + path))
            .timeout(Duration.ofSeconds(60))
            .header("X-Vault-Token", options.token());
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  static String table(SwarmOptions o, Result r) {
    StringBuilder t = new StringBuilder();
    t.append(String.format(Locale.ROOT, "%-34s %s%n", "minions", r.minions()));
    t.append(String.format(Locale.ROOT, "%-34s %d (made this run, not timed)%n", "keys made", r.keysMade()));
    t.append(String.format(Locale.ROOT, "%-34s %d%n", "authenticated", r.authenticated()));
    t.append(String.format(Locale.ROOT, "%-34s %.2f s%n", "auth storm (all hold a session)", r.authStormSeconds()));
    t.append(String.format(Locale.ROOT, "%-34s %d of %d%n", "test.ping jobs complete", r.pingsComplete(), o.pings()));
    t.append(String.format(Locale.ROOT, "%-34s %.3f s%n", "test.ping to all, p50", r.percentile(50)));
    t.append(String.format(Locale.ROOT, "%-34s %.3f s%n", "test.ping to all, p99", r.percentile(99)));
    t.append(String.format(Locale.ROOT, "%-34s %d MiB%n", "swarm JVM heap used", usedHeapMiB()));
    return t.toString();
  }

  static ObjectNode json(SwarmOptions o, Result r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("minions", r.minions());
    node.put("keysize", o.keysize());
    node.put("authenticated", r.authenticated());
    node.put("auth_storm_seconds", r.authStormSeconds());
    node.put("pings", o.pings());
    node.put("pings_complete", r.pingsComplete());
    node.put("ping_p50_seconds", r.percentile(50));
    node.put("ping_p99_seconds", r.percentile(99));
    r.pingSeconds().forEach(node.putArray("ping_seconds")::add);
    return node;
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
            minions, needed, max, needed);
      }
    }
    return null;
  }

  private static long usedHeapMiB() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }
}
