package io.brine.minion.functions.builtin.service;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/**
 * {@code service.status NAME}: True when the unit is active ({@code systemctl is-active}), False
 * otherwise, as Salt's; retcode 0 either way (the question was answered). Salt's glob form (a dict
 * for "ngin*") and {@code sig} are not offered: a name with '*' is refused as not a unit name.
 */
public final class ServiceStatus implements MinionFunction {
  private final Systemd systemd;

  public ServiceStatus() {
    this(Systemd.host());
  }

  ServiceStatus(Systemd systemd) {
    this.systemd = systemd;
  }

  @Override
  public String name() {
    return "service.status";
  }

  @Override
  public String doc() {
    return "Returns True when a systemd service is active, False otherwise.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), List.of("name", "sig"), Set.of());
    if (a.get("sig").isPresent()) {
      throw new FunctionException(name() + ": 'sig' is not supported by brine (systemd only)");
    }
    String unit = Systemd.unit(name(), a.requiredString("name"));
    if (!systemd.running()) {
      return notAvailable(name());
    }
    return FunctionOutput.ok(systemd.systemctl("is-active", false, List.of(), unit).ok());
  }

  /** Salt's words when its systemd module does not load, and why. */
  static FunctionOutput notAvailable(String function) {
    return new FunctionOutput(
        "'" + function + "' is not available: systemd is not running here (no /run/systemd/system)",
        1);
  }
}
