package io.brine.minion.functions.builtin.service;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandResult;
import io.brine.minion.functions.builtin.ToolFailure;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code service.start|stop|restart|enable|disable NAME [no_block=False]} on systemd: {@code
 * systemctl [--no-block] ACTION NAME.service}, True when it succeeded (Salt's return). start,
 * restart and enable take Salt's {@code unmask} and {@code unmask_runtime}: the unit is unmasked
 * first. A False return has retcode 1, and systemctl's error goes to the minion's log.
 */
public final class ServiceAction implements MinionFunction {
  private static final Logger log = LoggerFactory.getLogger(ServiceAction.class);
  private static final Set<String> ACTIONS =
      Set.of("start", "stop", "restart", "enable", "disable");
  private static final Set<String> UNMASKING = Set.of("start", "restart", "enable");

  private final String action;
  private final Systemd systemd;

  public ServiceAction(String action) {
    this(action, Systemd.host());
  }

  ServiceAction(String action, Systemd systemd) {
    if (!ACTIONS.contains(action)) {
      throw new IllegalArgumentException("not a service action: " + action);
    }
    this.action = action;
    this.systemd = systemd;
  }

  @Override
  public String name() {
    return "service." + action;
  }

  @Override
  public String doc() {
    return switch (action) {
      case "start" -> "Starts a systemd service; True when it started.";
      case "stop" -> "Stops a systemd service; True when it stopped.";
      case "restart" -> "Restarts a systemd service; True when it restarted.";
      case "enable" -> "Enables a systemd service at boot; True when it did.";
      default -> "Disables a systemd service at boot; True when it did.";
    };
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Set<String> keywords =
        UNMASKING.contains(action) ? Set.of("unmask", "unmask_runtime", "root") : Set.of("root");
    Arguments a = Arguments.parse(call, name(), List.of("name", "no_block"), keywords);
    String unit = Systemd.unit(name(), a.requiredString("name"));
    boolean noBlock = a.bool("no_block", false);
    if (a.get("root").isPresent()) {
      throw new FunctionException(name() + ": 'root' is not supported by brine");
    }
    if (!systemd.running()) {
      return ServiceStatus.notAvailable(name());
    }
    if (UNMASKING.contains(action)) {
      boolean runtime = a.bool("unmask_runtime", false);
      if (a.bool("unmask", false) || runtime) {
        List<String> extra = runtime ? List.of("--runtime") : List.of();
        CommandResult r = systemd.systemctl("unmask", false, extra, unit);
        if (!r.ok()) {
          return failed(unit, "unmask", r);
        }
      }
    }
    CommandResult r = systemd.systemctl(action, noBlock, List.of(), unit);
    return r.ok() ? FunctionOutput.ok(true) : failed(unit, action, r);
  }

  private FunctionOutput failed(String unit, String what, CommandResult r) {
    log.warn("{}: systemctl {} {}: {}", name(), what, unit, ToolFailure.describe("systemctl", r));
    return new FunctionOutput(false, 1);
  }
}
