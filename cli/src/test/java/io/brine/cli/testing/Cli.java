package io.brine.cli.testing;

import io.brine.cli.Brine;
import io.brine.cli.Environment;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@code brine} in this JVM exactly as {@code main} does, with its own environment, stdin and
 * captured stdout/stderr. There is no terminal, so keys not given as arguments come from {@code
 * stdin}, as with {@code echo KEY | brine operator unseal}.
 */
public final class Cli {
  private final Map<String, String> environment = new HashMap<>();

  /** Sets an environment variable for the following runs (e.g. BRINE_ADDR, BRINE_TOKEN). */
  public Cli env(String name, String value) {
    if (value == null) {
      environment.remove(name);
    } else {
      environment.put(name, value);
    }
    return this;
  }

  public Result run(String... args) {
    return runWithStdin("", args);
  }

  public Result runWithStdin(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Brine brine =
        new Brine(
            Environment.of(environment),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            null);
    int exitCode =
        Brine.commandLine(brine, new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
