package io.brine.minion.functions.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.DurationText;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A shell command as the cmd module runs it: {@code /bin/sh -c cmd} (Salt's python_shell, the
 * default for cmd.run from the CLI), run by {@link SystemCommandRunner}: stdin from /dev/null,
 * stdout and stderr kept up to 1 MiB each.
 *
 * <p>Parameters, Salt's names: {@code cmd} and {@code cwd} positional or by name, {@code env} and
 * {@code timeout} by name. {@code cwd} must be an absolute path to a directory (default: the home
 * of the user the minion runs as, as Salt's). {@code env} adds to the minion's environment: a map,
 * a JSON object, or "K=V,K2=V2"; a null value removes a variable. {@code timeout} in seconds kills
 * the command and its descendants when it passes: retcode 124, the output so far kept.
 */
final class ShellCommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Options(String cmd, Path cwd, Map<String, String> env, Optional<Duration> timeout) {}

  record Result(long pid, int retcode, String stdout, String stderr, Optional<Duration> timedOut) {
    /** cmd.run's answer: stdout, then stderr on the next line when there is any. */
    String combined() {
      String out = stderr.isEmpty() ? stdout : stdout.isEmpty() ? stderr : stdout + "\n" + stderr;
      if (timedOut.isPresent()) {
        String note = "[timed out after " + DurationText.of(timedOut.get()) + "; process killed]";
        out = out.isEmpty() ? note : out + "\n" + note;
      }
      return out;
    }
  }

  private ShellCommand() {}

  static Options parse(FunctionCall call, String function) throws FunctionException {
    Arguments a = Arguments.parse(call, function, List.of("cmd", "cwd"), Set.of("env", "timeout"));
    String cmd = a.requiredString("cmd");
    if (cmd.isBlank()) {
      throw new FunctionException(function + ": 'cmd' is empty");
    }
    Path cwd = cwd(function, a.optionalString("cwd"));
    Map<String, String> env = env(function, a.get("env"));
    Optional<Duration> timeout = Optional.empty();
    Optional<Double> seconds = a.optionalNumber("timeout");
    if (seconds.isPresent()) {
      timeout = Optional.of(DurationText.ofSeconds(function, "timeout", seconds.get()));
    }
    return new Options(cmd, cwd, env, timeout);
  }

  static Path cwd(String function, Optional<String> given) throws FunctionException {
    if (given.isEmpty()) {
      Path home = Path.of(System.getProperty("user.home", "/"));
      return Files.isDirectory(home) ? home : Path.of("/");
    }
    Path cwd;
    try {
      cwd = Path.of(given.get());
    } catch (InvalidPathException e) {
      throw new FunctionException(function + ": 'cwd' is not a valid path");
    }
    if (!cwd.isAbsolute()) {
      throw new FunctionException(function + ": 'cwd' must be an absolute path: " + given.get());
    }
    if (!Files.isDirectory(cwd)) {
      throw new FunctionException(function + ": 'cwd' is not a directory: " + given.get());
    }
    return cwd;
  }

  static Map<String, String> env(String function, Optional<Object> given) throws FunctionException {
    Map<String, String> env = new LinkedHashMap<>();
    if (given.isEmpty()) {
      return env;
    }
    Object v = given.get();
    if (v instanceof String && ((String) v).strip().startsWith("{")) {
      try {
        v = JSON.readValue((String) v, Map.class);
      } catch (JsonProcessingException e) {
        // Jackson's message would quote the text, which may hold secrets.
        throw new FunctionException(function + ": 'env' is not a valid JSON object");
      }
    }
    if (v instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        Object value = e.getValue();
        if (value instanceof Map || value instanceof List) {
          throw new FunctionException(
              function + ": 'env' value of " + e.getKey() + " must be a string");
        }
        put(function, env, String.valueOf(e.getKey()), value == null ? null : value.toString());
      }
      return env;
    }
    if (v instanceof String) {
      for (String pair : ((String) v).split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new FunctionException(
              function + ": 'env' must be a map, a JSON object or K=V,K2=V2");
        }
        put(function, env, pair.substring(0, eq).strip(), pair.substring(eq + 1));
      }
      return env;
    }
    throw new FunctionException(function + ": 'env' must be a map, a JSON object or K=V,K2=V2");
  }

  private static void put(String function, Map<String, String> env, String key, String value)
      throws FunctionException {
    if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
      throw new FunctionException(function + ": 'env' has an invalid variable name");
    }
    if (value != null && value.indexOf('\0') >= 0) {
      throw new FunctionException(function + ": 'env' value of " + key + " contains NUL");
    }
    env.put(key, value);
  }

  static Result run(Options o) throws InterruptedException {
    return run(o, SystemCommandRunner.INSTANCE);
  }

  /** With at most {@code outputLimit} bytes kept of each stream, for functions that parse it. */
  static Result run(Options o, int outputLimit) throws InterruptedException {
    return run(o, new SystemCommandRunner(outputLimit));
  }

  static Result run(Options o, CommandRunner runner) throws InterruptedException {
    CommandResult r =
        runner.run(new Command(List.of("/bin/sh", "-c", o.cmd()), o.cwd(), o.env(), o.timeout()));
    return new Result(
        r.pid(), r.exit(), r.stdout(), r.stderr(), r.timedOut() ? o.timeout() : Optional.empty());
  }
}
