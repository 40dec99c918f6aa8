package io.brine.minion.states.cmd;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.RunAs;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code cmd.run}: runs {@code name} with /bin/sh through {@code cmd.run_all}, in {@code cwd},
 * with {@code env}, as {@code runas}, killed after {@code timeout} seconds. The changes are
 * cmd.run_all's {@code {pid, retcode, stdout, stderr}}, the result false when the command exits
 * non-zero, as Salt's. {@code stateful: True} reads the command's last output line (or its whole
 * output as a JSON object) for whether it changed anything ({@link Stateful}).
 */
final class CmdRunState implements StateFunction {
  static final Set<String> KEYWORDS =
      Set.of("cwd", "env", "runas", "shell", "timeout", "stateful");

  @Override
  public String name() {
    return "cmd.run";
  }

  @Override
  public StateFunction modWatch() {
    // Salt's cmd.mod_watch runs the command: the same as the state.
    return this;
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      return run(call, a);
    } catch (FunctionException | IllegalArgumentException e) {
      return StateResult.failed(e.getMessage());
    }
  }

  private StateResult run(StateCall call, Arguments a)
      throws FunctionException, InterruptedException {
    String command = call.name();
    Optional<String> shell = a.optionalString("shell");
    if (shell.isPresent() && !shell.get().equals("/bin/sh")) {
      return StateResult.failed(
          "cmd.run: brine runs commands with /bin/sh only, 'shell' " + shell.get() + " refused");
    }
    boolean stateful = a.bool("stateful", false);
    if (call.test()) {
      return StateResult.wouldChange(
          "Command \"" + command + "\" would have been executed", Map.of());
    }
    Optional<StateResult> unusable = checkCwdAndUser(call, a);
    if (unusable.isPresent()) {
      return unusable.get();
    }
    String line = RunAs.wrap(a.optionalString("runas").orElse(null), command);
    Map<String, Object> kwargs = new LinkedHashMap<>();
    a.optionalString("cwd").ifPresent(cwd -> kwargs.put("cwd", cwd));
    a.get("env").ifPresent(env -> kwargs.put("env", env));
    a.get("timeout").ifPresent(t -> kwargs.put("timeout", t));
    FunctionOutput out = call.context().call("cmd.run_all", List.of(line), kwargs);
    StateResult ran = ranResult(out, "Command \"" + command + "\" run");
    return stateful ? Stateful.reinterpret(ran) : ran;
  }

  /**
   * Salt's refusals before anything runs: a cwd that is not a directory, a runas user that does not
   * exist.
   */
  static Optional<StateResult> checkCwdAndUser(StateCall call, Arguments a)
      throws FunctionException, InterruptedException {
    Optional<String> cwd = a.optionalString("cwd");
    if (cwd.isPresent() && !isDirectory(cwd.get())) {
      return Optional.of(StateResult.failed(
          "Desired working directory \"" + cwd.get() + "\" is not available"));
    }
    Optional<String> runas = a.optionalString("runas").filter(s -> !s.isBlank());
    if (runas.isPresent()) {
      RunAs.wrap(runas.get(), "true");
      FunctionOutput info = call.context().call("user.info", List.of(runas.get()), Map.of());
      if (!(info.value() instanceof Map<?, ?> m) || m.isEmpty()) {
        return Optional.of(StateResult.failed("User " + runas.get() + " is not available"));
      }
    }
    return Optional.empty();
  }

  private static boolean isDirectory(String path) {
    try {
      return Path.of(path).isAbsolute() && Files.isDirectory(Path.of(path));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** cmd.run_all's return as the changes; the result false for a non-zero exit. */
  static StateResult ranResult(FunctionOutput out, String comment) {
    if (!(out.value() instanceof Map<?, ?> ret)) {
      return StateResult.failed(String.valueOf(out.value()));
    }
    Map<String, Object> changes = new LinkedHashMap<>();
    ret.forEach((k, v) -> changes.put(String.valueOf(k), v));
    Object retcode = changes.get("retcode");
    boolean ok = retcode instanceof Number n && n.intValue() == 0;
    return new StateResult(ok, comment, changes);
  }
}
