package io.brine.bench.swarm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks {@code GET /v1/sys/seal-status} every 20 ms on a thread of its own while a storm runs: the
 * operator API shares the master with the handshakes, and an operator must still be able to see the
 * master's state (and seal it) while ten thousand minions knock. Requests go one at a time, so a
 * slow answer delays the next one rather than piling up.
 */
final class SealStatusProbe {
  private static final long PERIOD_NANOS = 20_000_000L;
  private static final Duration REQUEST_LIMIT = Duration.ofSeconds(10);

  // Its own client and HTTP/1.1: the probe must not queue behind the swarm's job polling.
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final HttpRequest request;
  private final Thread thread;
  // Written by the probe's thread only, read after join().
  private final List<Double> seconds = new ArrayList<>();
  private int failed;
  private volatile boolean stopping;

  private SealStatusProbe(String api) {
    this.request =
        HttpRequest.newBuilder(URI.create(api + "/v1/sys/seal-status"))
            .timeout(REQUEST_LIMIT)
            .GET()
            .build();
    this.thread = new Thread(this::probe, "seal-status-probe");
    this.thread.setDaemon(true);
  }

  /**
   * One untimed request first: the first use of an HttpClient loads its classes and connects, which
   * would otherwise be counted as the master's latency.
   */
  static SealStatusProbe start(String api) throws InterruptedException {
    SealStatusProbe probe = new SealStatusProbe(api);
    try {
      probe.http.send(probe.request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // counted by the timed requests if it persists
    }
    probe.thread.start();
    return probe;
  }

  /** Stops after the request in flight, if any, and returns what was measured. */
  Latencies stop() throws InterruptedException {
    stopping = true;
    thread.join();
    return Latencies.of(seconds, failed);
  }

  private void probe() {
    while (!stopping) {
      long start = System.nanoTime();
      try {
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          seconds.add((System.nanoTime() - start) / 1e9);
        } else {
          failed++;
        }
      } catch (IOException e) {
        failed++;
      } catch (InterruptedException e) {
        return;
      }
      long rest = PERIOD_NANOS - (System.nanoTime() - start);
      if (rest > 0) {
        try {
          Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
