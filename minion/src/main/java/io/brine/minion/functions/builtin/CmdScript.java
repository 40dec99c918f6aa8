package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.DurationText;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.OneLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code cmd.script salt://path [args] [cwd] [shell=..] [env=..] [timeout=..]}: fetches a script
 * from the master into a private temporary directory, runs it, removes it, and returns what
 * cmd.run_all does ({@code {pid, retcode, stdout, stderr}}; the job's retcode is the script's).
 *
 * <p>No shell reads the arguments: {@code args} is a list, or a string split into words as a shell
 * would split it (quotes kept together) without expanding anything. The script runs through its
 * "#!" interpreter, or {@code shell} when given, or /bin/sh. The working directory is the script's
 * temporary directory unless {@code cwd} is given (Salt's default too). A script the master does
 * not have gives Salt's {@code cache_error} answer. runas, group, stdin, template, umask and
 * password are refused: brine does not run commands as another user.
 */
public final class CmdScript implements MinionFunction {
  private static final List<String> POSITIONAL =
      List.of(
          "source",
          "args",
          "cwd",
          "stdin",
          "runas",
          "group",
          "shell",
          "python_shell",
          "env",
          "template",
          "umask");
  private static final Set<String> REFUSED =
      Set.of("stdin", "runas", "group", "template", "umask", "password");
  private static final int MAX_SHEBANG = 256;

  private final CommandRunner runner;

  public CmdScript() {
    this(CommandRunner.system());
  }

  CmdScript(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public String name() {
    return "cmd.script";
  }

  @Override
  public String doc() {
    return "Fetches a salt:// script, runs it with args; returns pid, retcode, stdout and stderr.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), POSITIONAL, Set.of("timeout", "saltenv"));
    for (String refused : REFUSED) {
      if (a.get(refused).isPresent()) {
        throw new FunctionException(name() + ": '" + refused + "' is not supported by brine");
      }
    }
    if (a.bool("python_shell", false)) {
      throw new FunctionException(
          name() + ": python_shell=True is not supported: args are never read by a shell");
    }
    String saltenv = a.optionalString("saltenv").orElse("base");
    if (!saltenv.equals("base")) {
      throw new FunctionException(name() + ": only saltenv 'base' exists, got " + saltenv);
    }
    String source = a.requiredString("source");
    String relative = SaltSource.relativePath(name(), source);
    List<String> args = args(a.get("args"));
    Optional<Path> cwd =
        a.get("cwd").isPresent()
            ? Optional.of(ShellCommand.cwd(name(), a.optionalString("cwd")))
            : Optional.empty();
    Optional<Path> shell = shell(a.optionalString("shell"));
    Map<String, String> env = ShellCommand.env(name(), a.get("env"));
    Optional<Duration> timeout = Optional.empty();
    Optional<Double> seconds = a.optionalNumber("timeout");
    if (seconds.isPresent()) {
      timeout = Optional.of(DurationText.ofSeconds(name(), "timeout", seconds.get()));
    }

    Path dir = null;
    try {
      // Private to the minion's user (0700): nobody swaps the script before it runs.
      dir = TempDirs.create("brine-script-");
      Path script = dir.resolve(relative.substring(relative.lastIndexOf('/') + 1));
      try {
        call.context().files().fetch(source, script);
      } catch (IOException e) {
        return cacheError(OneLine.describe(e));
      }
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      List<String> argv = new ArrayList<>(interpreter(script, shell));
      argv.add(script.toString());
      argv.addAll(args);
      CommandResult r = runner.run(new Command(argv, cwd.orElse(dir), env, timeout));
      Map<String, Object> ret = new LinkedHashMap<>();
      ret.put("pid", r.pid());
      ret.put("retcode", r.exit());
      ret.put("stdout", r.stdout());
      ret.put("stderr", r.stderr());
      return new FunctionOutput(ret, r.exit());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      TempDirs.delete(dir);
    }
  }

  private List<String> args(Optional<Object> given) throws FunctionException {
    if (given.isEmpty()) {
      return List.of();
    }
    Object v = given.get();
    if (v instanceof List<?> list) {
      List<String> words = new ArrayList<>();
      for (Object o : list) {
        if (o instanceof Map || o instanceof List || o == null) {
          throw new FunctionException(name() + ": each of 'args' must be a string");
        }
        words.add(o.toString());
      }
      return words;
    }
    if (v instanceof Map) {
      throw new FunctionException(name() + ": 'args' must be a string or a list");
    }
    return ShellWords.split(name(), v.toString());
  }

  private Optional<Path> shell(Optional<String> given) throws FunctionException {
    if (given.isEmpty()) {
      return Optional.empty();
    }
    Path p;
    try {
      p = Path.of(given.get());
    } catch (InvalidPathException e) {
      throw new FunctionException(name() + ": 'shell' is not a valid path");
    }
    if (!p.isAbsolute() || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new FunctionException(
          name() + ": 'shell' must be the absolute path of a program, got " + given.get());
    }
    return Optional.of(p);
  }

  /**
   * What runs the script: shell when given, else its "#!" line read here (so the fresh file itself
   * is never exec'd: a file just written can be "busy" to exec while another thread forks), else
   * /bin/sh.
   */
  private static List<String> interpreter(Path script, Optional<Path> shell) throws IOException {
    if (shell.isPresent()) {
      return List.of(shell.get().toString());
    }
    String first;
    try (BufferedReader r = Files.newBufferedReader(script, StandardCharsets.ISO_8859_1)) {
      char[] buf = new char[MAX_SHEBANG];
      int n = r.read(buf);
      first = n <= 0 ? "" : new String(buf, 0, n);
    }
    int nl = first.indexOf('\n');
    if (first.startsWith("#!") && nl > 2) {
      // The kernel's rule: the interpreter, then at most one argument (the rest of the line).
      String line = first.substring(2, nl).strip();
      String[] parts = line.split("[ \t]+", 2);
      if (!parts[0].isEmpty()) {
        return parts.length == 1 ? List.of(parts[0]) : Arrays.asList(parts[0], parts[1].strip());
      }
    }
    return List.of("/bin/sh");
  }

  /** Salt's answer when the script could not be fetched; the reason goes in stderr. */
  private static FunctionOutput cacheError(String reason) {
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("pid", 0);
    ret.put("retcode", 1);
    ret.put("stdout", "");
    ret.put("stderr", reason);
    ret.put("cache_error", true);
    return new FunctionOutput(ret, 1);
  }
}
