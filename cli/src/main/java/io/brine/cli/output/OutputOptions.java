package io.brine.cli.output;

import io.brine.cli.CliException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Salt's output options, as a picocli mixin: {@code --out}, {@code --static} and the rest. */
public final class OutputOptions {
  @Option(
      names = "--out",
      paramLabel = "<outputter>",
      defaultValue = "nested",
      description =
          "nested (default, Salt's), json, yaml, txt, raw or quiet; text is nested, as before.")
  String out;

  @Option(
      names = {"-s", "--static"},
      description = "Print everything at the end as one document (json: one object for all).")
  boolean staticOutput;

  @Option(
      names = "--out-indent",
      paramLabel = "<n>",
      description = "json's indent (default 4); a negative one prints each document on one line.")
  Integer indent;

  @Option(
      names = "--out-file",
      paramLabel = "<file>",
      description = "Write the output to this file instead of stdout.")
  Path file;

  @Option(
      names = "--out-file-append",
      description = "With --out-file, append to the file instead of replacing it.")
  boolean append;

  @Option(names = "--no-color", description = "No colours, even on a terminal.")
  boolean noColor;

  @Option(names = "--force-color", description = "Colours even when stdout is no terminal.")
  boolean forceColor;

  @Option(
      names = "--hide-timeout",
      description = "Leave out the minions that did not return.")
  boolean hideTimeout;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the job id first, and which minions have not returned at the end.")
  boolean verbose;

  public OutputFormat format(CommandSpec spec) {
    try {
      return OutputFormat.of(out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  public boolean hideTimeout() {
    return hideTimeout;
  }

  public boolean verbose() {
    return verbose;
  }

  public boolean staticOutput() {
    return staticOutput;
  }

  /** Whether the output goes to a file (so gets no colours). */
  public boolean toFile() {
    return file != null;
  }

  /**
   * @param terminal whether stdout is a terminal
   */
  public Outputter.Options options(CommandSpec spec, boolean terminal) {
    if (noColor && forceColor) {
      throw new ParameterException(spec.commandLine(), "--no-color and --force-color conflict");
    }
    if (append && file == null) {
      throw new ParameterException(spec.commandLine(), "--out-file-append needs --out-file");
    }
    return new Outputter.Options(
        format(spec),
        staticOutput,
        indent == null ? PythonJson.DEFAULT_INDENT : indent,
        Colors.choose(terminal && file == null, noColor, forceColor));
  }

  /** Where the output goes: stdout, or the --out-file (made or appended to). */
  public PrintWriter writer(PrintWriter stdout) {
    if (file == null) {
      return stdout;
    }
    try {
      return new PrintWriter(
          new OutputStreamWriter(
              Files.newOutputStream(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING),
              StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException("cannot write --out-file " + file + ": " + e.getMessage());
    }
  }
}
