package io.brine.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.ExitCodes;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine status} as {@code bao status} (0 unsealed, 2 sealed, 1 error) and bao's
 * single-dash spellings, against a real master.
 */
class StatusCommandTest {
  @TempDir Path dir;

  @Test
  void status_followsTheSeal_andTakesBaosSingleDashFlags() throws Exception {
    Cli cli = new Cli();
    try (MasterProcess master = MasterProcess.start(dir)) {
      Result uninitialized = cli.run("status", "-address=" + master.address());
      assertThat(uninitialized.exitCode()).as(uninitialized.toString()).isEqualTo(ExitCodes.SEALED);
      assertThat(uninitialized.out()).isEqualTo(
          cli.run("operator", "status", "--address", master.address()).out());

      cli.env("BRINE_ADDR", master.address());
      Result init =
          cli.run("operator", "init", "-key-shares=1", "-key-threshold=1", "-format=json");
      assertThat(init.exitCode()).as(init.toString()).isZero();
      String key = new ObjectMapper().readTree(init.out()).path("keys").get(0).asText();

      Result sealed = cli.run("status", "-format=json");
      assertThat(sealed.exitCode()).as(sealed.toString()).isEqualTo(ExitCodes.SEALED);
      assertThat(new ObjectMapper().readTree(sealed.out()).path("n").asInt()).isEqualTo(1);

      assertThat(cli.run("operator", "unseal", key).exitCode()).isZero();
      Result unsealed = cli.run("status");
      assertThat(unsealed.exitCode()).as(unsealed.toString()).isEqualTo(ExitCodes.OK);
      assertThat(Shares.value(unsealed, "Sealed")).isEqualTo("false");
    }
  }

  @Test
  void status_withNoMaster_exitsOne_inOneLine() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Result down = new Cli().run("status", "-address", "http://127.0.0.1:" + port);
    assertThat(down.exitCode()).as(down.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(down.err().lines().toList()).as(down.toString()).hasSize(1);
    assertThat(List.of(down.err())).allSatisfy(e -> assertThat(e).startsWith("Error: "));
  }
}
