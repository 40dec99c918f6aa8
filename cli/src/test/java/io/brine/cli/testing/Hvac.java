package io.brine.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the Python scripts under {@code cli/src/test/resources/hvac/} with Debian's {@code
 * python3-hvac} (an OpenBao client brine did not write; {@code scripts/ensure-hvac.sh} installs it)
 * against a running master. The script gets the address and token as hvac reads them itself
 * ({@code VAULT_ADDR}, {@code VAULT_TOKEN}), asserts with hvac's API ({@code checks.py}) and exits
 * non-zero on the first failure; {@link Result#requireSuccess()} then fails the test with the
 * script's stdout and stderr. One script per topic: a new topic is a new file beside the others.
 */
public final class Hvac {
  /**
   * Debian's interpreter, the one its package installs hvac for (a python3 earlier on PATH, pyenv
   * or a venv, does not see it).
   */
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Duration TIMEOUT = Duration.ofSeconds(180);

  /** Put beside every script: the assertion helpers they import. */
  private static final String HELPERS = "checks.py";

  private Hvac() {}

  /**
   * Runs {@code script} (a file name under the {@code hvac/} test resources) with hvac.
   *
   * @param token the root token for {@code VAULT_TOKEN}, or null for none
   * @param environment more variables the script reads
   */
  public static Result run(
      String script, String address, String token, Map<String, String> environment) {
    try {
      Path dir = Files.createTempDirectory("brine-hvac-");
      try {
        copyResource(HELPERS, dir);
        Path file = copyResource(script, dir);
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        ProcessBuilder builder =
            new ProcessBuilder(List.of(PYTHON.toString(), file.toString()))
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        // Nothing of this machine's own Vault/OpenBao settings, nor a ~/.vault-token, leaks in.
        env.keySet().removeIf(name -> name.startsWith("VAULT_") || name.startsWith("BAO_"));
        env.put("HOME", dir.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("VAULT_ADDR", address);
        if (token != null) {
          env.put("VAULT_TOKEN", token);
        }
        env.putAll(environment);
        Process process = builder.start();
        boolean finished = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return new Result(
            script,
            finished ? process.exitValue() : -1,
            finished,
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        deleteAll(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run the hvac script " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the hvac script " + script + " ran", e);
    }
  }

  /** What one script printed, and how it ended. */
  public record Result(String script, int exitCode, boolean finished, String out, String err) {
    /** Fails the test, with both outputs, unless the script finished and exited 0. */
    public Result requireSuccess() {
      if (!finished || exitCode != 0) {
        throw new AssertionError(
            (finished ? script + " exited " + exitCode : script + " timed out after " + TIMEOUT)
                + "\n--- stdout\n"
                + out
                + "--- stderr\n"
                + err);
      }
      return this;
    }

    /** The script's result: its last stdout line, as JSON ({@code checks.emit}). */
    public JsonNode json() {
      String[] lines = out.strip().split("\n");
      try {
        return new ObjectMapper().readTree(lines[lines.length - 1]);
      } catch (IOException e) {
        throw new AssertionError(script + " printed no JSON result:\n" + out, e);
      }
    }
  }

  private static Path copyResource(String name, Path dir) throws IOException {
    try (InputStream in = Hvac.class.getResourceAsStream("/hvac/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no hvac script " + name + " in the test resources");
      }
      Path file = dir.resolve(name);
      Files.copy(in, file);
      return file;
    }
  }

  private static void deleteAll(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
