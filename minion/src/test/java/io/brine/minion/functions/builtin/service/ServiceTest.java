package io.brine.minion.functions.builtin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import io.brine.minion.functions.builtin.CommandResult;
import io.brine.minion.functions.builtin.RecordingRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service functions: the systemctl command lines they run (systemd is not PID 1 in this test
 * container, so those are checked, not run), and for real, what they answer on a host without
 * systemd.
 */
class ServiceTest {
  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  private static Systemd running(RecordingRunner runner) {
    return new Systemd(runner, () -> true);
  }

  @Test
  void actions_runSystemctl_withSaltsCanonicalUnitName_andReturnTrue() throws Exception {
    RecordingRunner runner = RecordingRunner.succeeding();
    Systemd systemd = running(runner);

    for (String action : List.of("start", "stop", "restart", "enable", "disable")) {
      assertThat(new ServiceAction(action, systemd).call(ctx.call("nginx")))
          .isEqualTo(FunctionOutput.ok(true));
    }
    new ServiceAction("start", systemd)
        .call(ctx.call(List.of("ssh.socket"), Map.of("no_block", true)));
    new ServiceAction("stop", systemd).call(ctx.call("getty@tty1"));

    assertThat(runner.argvs())
        .containsExactly(
            List.of("systemctl", "start", "nginx.service"),
            List.of("systemctl", "stop", "nginx.service"),
            List.of("systemctl", "restart", "nginx.service"),
            List.of("systemctl", "enable", "nginx.service"),
            List.of("systemctl", "disable", "nginx.service"),
            List.of("systemctl", "--no-block", "start", "ssh.socket"),
            List.of("systemctl", "stop", "getty@tty1.service"));
  }

  @Test
  void unmask_comesFirst_forStartRestartAndEnable() throws Exception {
    RecordingRunner runner = RecordingRunner.succeeding();

    new ServiceAction("start", running(runner))
        .call(ctx.call(List.of("nginx"), Map.of("unmask", "true")));
    new ServiceAction("enable", running(runner))
        .call(ctx.call(List.of("nginx"), Map.of("unmask_runtime", true)));

    assertThat(runner.argvs())
        .containsExactly(
            List.of("systemctl", "unmask", "nginx.service"),
            List.of("systemctl", "start", "nginx.service"),
            List.of("systemctl", "unmask", "--runtime", "nginx.service"),
            List.of("systemctl", "enable", "nginx.service"));
    assertThatThrownBy(
            () ->
                new ServiceAction("stop", running(runner))
                    .call(ctx.call(List.of("nginx"), Map.of("unmask", true))))
        .hasMessage("service.stop got an unexpected keyword argument 'unmask'");
  }

  @Test
  void aFailedAction_isFalse_withRetcode1() throws Exception {
    RecordingRunner runner =
        new RecordingRunner(
            c ->
                CommandResult.of(
                    5, "", "Failed to start nosuch.service: Unit nosuch.service not found."));

    assertThat(new ServiceAction("start", running(runner)).call(ctx.call("nosuch")))
        .isEqualTo(new FunctionOutput(false, 1));
  }

  @Test
  void status_isIsActive_trueOnExit0_falseOtherwise_retcode0Both() throws Exception {
    RecordingRunner runner =
        new RecordingRunner(
            c ->
                c.argv().contains("nginx.service")
                    ? CommandResult.of(0, "active", "")
                    : CommandResult.of(3, "inactive", ""));

    assertThat(new ServiceStatus(running(runner)).call(ctx.call("nginx")))
        .isEqualTo(FunctionOutput.ok(true));
    assertThat(new ServiceStatus(running(runner)).call(ctx.call("cron")))
        .isEqualTo(FunctionOutput.ok(false));
    assertThat(runner.argvs())
        .containsExactly(
            List.of("systemctl", "is-active", "nginx.service"),
            List.of("systemctl", "is-active", "cron.service"));
  }

  @Test
  void badNamesAndArguments_areRefused_beforeAnythingRuns() {
    RecordingRunner runner = RecordingRunner.succeeding();
    Systemd systemd = running(runner);

    assertThatThrownBy(() -> new ServiceAction("start", systemd).call(ctx.call("--root=/tmp")))
        .isInstanceOf(FunctionException.class)
        .hasMessage("service.start: 'name' is not a valid service name: '--root=/tmp'");
    assertThatThrownBy(() -> new ServiceStatus(systemd).call(ctx.call("ngin*")))
        .hasMessage("service.status: 'name' is not a valid service name: 'ngin*'");
    assertThatThrownBy(() -> new ServiceAction("stop", systemd).call(ctx.call("a b")))
        .hasMessage("service.stop: 'name' is not a valid service name: 'a b'");
    assertThatThrownBy(() -> new ServiceAction("stop", systemd).call(ctx.call()))
        .hasMessage("service.stop is missing the required argument 'name'");
    assertThatThrownBy(() -> new ServiceAction("restart", systemd).call(ctx.call("a", "yes")))
        .hasMessage("service.restart: 'no_block' must be true or false, got 'yes'");
    assertThatThrownBy(() -> new ServiceStatus(systemd).call(ctx.call("a", "HUP")))
        .hasMessage("service.status: 'sig' is not supported by brine (systemd only)");
    assertThatThrownBy(() -> new ServiceAction("x", systemd))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void withoutSystemd_theRealFunctionsSaySo() throws Exception {
    assumeFalse(Files.isDirectory(Path.of("/run/systemd/system")), "systemd runs here");

    assertThat(new ServiceStatus().call(ctx.call("cron")))
        .isEqualTo(
            new FunctionOutput(
                "'service.status' is not available: systemd is not running here"
                    + " (no /run/systemd/system)",
                1));
    assertThat(new ServiceAction("start").call(ctx.call("cron")).value())
        .isEqualTo(
            "'service.start' is not available: systemd is not running here"
                + " (no /run/systemd/system)");
  }
}
