package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.MasterProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 §4, as measured: a master with 1,024 file descriptors (and the default {@code
 * max_connections}) and 1,100 idle connections on its
 * minion port. Before, the connections took every descriptor, the operator API stalled 9 s and the
 * log got a stack trace per failed accept. Now the minion port holds at most {@code ulimit -n}
 * less 512 connections and closes the rest as they come, so the API keeps its descriptors and
 * answers at once, and the log has a line per cause, no stack trace. The descriptors the API's
 * connections may take (256 by default) are kept out of the minions' share, with 256 more.
 */
class DescriptorExhaustionEndToEndTest {
  private static final int DESCRIPTORS = 1024;
  private static final int IDLE_CONNECTIONS = 1100;

  @TempDir Path dir;

  @Test
  void elevenHundredIdleConnections_underUlimit1024_leaveTheApiAnswering() throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "cachedir: " + dir.resolve("master/cache") + "\n"
            + "keysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            // One address is every stranger here: the per-address cap must not hide the total.
            + "max_unauthenticated_per_address: 5000\nhello_timeout: 120\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    List<String> prlimit = List.of("prlimit", "--nofile=" + DESCRIPTORS + ":" + DESCRIPTORS, "--");
    List<Socket> idle = new ArrayList<>();
    try (MasterProcess master = MasterProcess.startWithConfig(config, prlimit)) {
      assertThat(master.log()).contains("minion connections capped at 512");
      for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        idle.add(new Socket(InetAddress.getLoopbackAddress(), master.minionPort()));
      }
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create(master.address() + "/v1/sys/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("sealed, uninitialized: OpenBao's 501").isEqualTo(501);
      }
      Thread.sleep(1_000); // the closes the master made have all arrived by now
      long closed = idle.stream().filter(DescriptorExhaustionEndToEndTest::closedByPeer).count();
      assertThat(closed).as("beyond the 512 the master keeps").isEqualTo(IDLE_CONNECTIONS - 512);
      String log = master.log();
      assertThat(log).as(log).doesNotContain("\tat ").doesNotContain("Too many open files");
      assertThat(log.lines().filter(l -> l.contains("max_connections (512) reached")).count())
          .as("a line per cause and interval, not one per connection")
          .isBetween(1L, 3L);
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  private static boolean closedByPeer(Socket s) {
    try {
      s.setSoTimeout(2); // a connection the master kept has nothing to read: a quick timeout
      return s.getInputStream().read() < 0;
    } catch (IOException e) {
      return e instanceof java.net.SocketException; // reset: closed too
    }
  }
}
