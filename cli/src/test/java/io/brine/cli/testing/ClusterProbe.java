package io.brine.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the cluster tests ask of master processes: health, the leader, who is active. */
public final class ClusterProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private ClusterProbe() {}

  /** {@code sys/health}'s status code, or -1 when the master does not answer. */
  public static int health(MasterProcess m) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(m.address() + "/v1/sys/health"))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** {@code sys/leader}'s {@code leader_address}, or "" when it has none or does not answer. */
  public static String leaderAddress(MasterProcess m) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(m.address() + "/v1/sys/leader"))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()).path("leader_address").asText() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The one master answering health 200, once exactly one of {@code candidates} does. */
  public static MasterProcess awaitActive(List<MasterProcess> candidates, Duration within)
      throws InterruptedException {
    MasterProcess[] found = new MasterProcess[1];
    await(
        within,
        "one active master",
        () -> {
          List<MasterProcess> active =
              candidates.stream().filter(m -> m.isAlive() && health(m) == 200).toList();
          found[0] = active.size() == 1 ? active.get(0) : null;
          return found[0] != null;
        });
    return found[0];
  }

  public static void await(Duration within, String what, BooleanSupplier ok)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!ok.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as("within %s: %s", within, what).isTrue();
      Thread.sleep(100);
    }
  }
}
