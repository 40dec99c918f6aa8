package io.brine.minion.functions.builtin.service;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.builtin.Command;
import io.brine.minion.functions.builtin.CommandResult;
import io.brine.minion.functions.builtin.CommandRunner;
import io.brine.minion.functions.builtin.SafeName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** systemctl as Salt's systemd_service module runs it. */
final class Systemd {
  /** systemd's unit types: a name ending in one of them is a unit name already. */
  private static final Set<String> UNIT_TYPES =
      Set.of(
          "service",
          "socket",
          "device",
          "mount",
          "automount",
          "swap",
          "target",
          "path",
          "timer",
          "slice",
          "scope");

  private static final Duration TIME = Duration.ofMinutes(5);

  private final CommandRunner runner;
  private final BooleanSupplier running;

  Systemd(CommandRunner runner, BooleanSupplier running) {
    this.runner = runner;
    this.running = running;
  }

  /** The host's: systemd runs when /run/systemd/system exists (sd_booted's test). */
  static Systemd host() {
    return new Systemd(
        CommandRunner.system(), () -> Files.isDirectory(Path.of("/run/systemd/system")));
  }

  boolean running() {
    return running.getAsBoolean();
  }

  /** Salt's canonical unit name: "nginx" is "nginx.service", "ssh.socket" stays. */
  static String unit(String function, String name) throws FunctionException {
    SafeName.UNIT.check(function, "name", name);
    int dot = name.lastIndexOf('.');
    return dot >= 0 && UNIT_TYPES.contains(name.substring(dot + 1)) ? name : name + ".service";
  }

  /** {@code systemctl [--no-block] ACTION [extra...] UNIT}. */
  CommandResult systemctl(String action, boolean noBlock, List<String> extra, String unit)
      throws InterruptedException {
    List<String> argv = new ArrayList<>(List.of("systemctl"));
    if (noBlock) {
      argv.add("--no-block");
    }
    argv.add(action);
    argv.addAll(extra);
    argv.add(unit);
    return runner.run(Command.of(argv, Map.of(), TIME));
  }
}
