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
  /** The functions whose returns Salt prints with its highstate outputter. */
  private static final java.util.Set<String> STATE_RUNS =
      java.util.Set.of("state.apply", "state.sls", "state.highstate", "state.single");

  @Option(
      names = "--out",
      paramLabel = "<outputter>",
      description =
          "nested (Salt's default), highstate (the default for state.apply, state.sls,"
              + " state.highstate and state.single), json, yaml, txt, raw or quiet; text is"
              + " nested.")
  String out;

  @Option(
      names = "--state-output",
      paramLabel = "<full|terse|mixed|changes>",
      defaultValue = "full",
      description = "How highstate prints each state: full (default), terse, mixed, changes.")
  String stateOutput;

  @Option(
      names = "--state-verbose",
      paramLabel = "<True|False>",
      arity = "1",
      defaultValue = "True",
      description = "False leaves out the states that succeeded without changes.")
  String stateVerbose;

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
    return format(spec, null);
  }

  /** The --out given, else highstate for the functions that run states, else nested. */
  public OutputFormat format(CommandSpec spec, String function) {
    if (out == null) {
      return function != null && STATE_RUNS.contains(function)
          ? OutputFormat.HIGHSTATE
          : OutputFormat.NESTED;
    }
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
    return options(spec, terminal, null);
  }

  /**
   * @param function the function whose returns are printed, for the highstate default
   */
  public Outputter.Options options(CommandSpec spec, boolean terminal, String function) {
    if (noColor && forceColor) {
      throw new ParameterException(spec.commandLine(), "--no-color and --force-color conflict");
    }
    if (append && file == null) {
      throw new ParameterException(spec.commandLine(), "--out-file-append needs --out-file");
    }
    try {
      Highstate.StateOutput.of(stateOutput);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String verbose = stateVerbose.strip().toLowerCase(java.util.Locale.ROOT);
    if (!verbose.equals("true") && !verbose.equals("false")) {
      throw new ParameterException(
          spec.commandLine(), "--state-verbose must be True or False, not '" + stateVerbose + "'");
    }
    return new Outputter.Options(
        format(spec, function),
        staticOutput,
        indent == null ? PythonJson.DEFAULT_INDENT : indent,
        Colors.choose(terminal && file == null, noColor, forceColor),
        stateOutput,
        verbose.equals("true"));
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
