package io.brine.minion.functions.builtin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One program to run: an argv list, never a shell line, so no argument is ever parsed by a shell.
 * {@code env} adds to the minion's environment (a null value removes a variable); {@code cwd} null
 * means the minion's own working directory; a {@code timeout} kills the program and its descendants
 * when it passes.
 */
public record Command(
    List<String> argv, Path cwd, Map<String, String> env, Optional<Duration> timeout) {
  public Command {
    if (argv == null || argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program");
    }
    argv = List.copyOf(argv);
    env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The program with its arguments, the minion's environment and directory, and a time limit. */
  public static Command of(List<String> argv, Map<String, String> env, Duration timeout) {
    return new Command(argv, null, env, Optional.of(timeout));
  }
}
