package io.brine.cli.job;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code -L} and {@code -E} for the jobs subcommands that take a TARGET (a picocli mixin). */
final class TargetOptions {
  @Option(
      names = {"-L", "--list"},
      description = "TARGET is a comma-separated list of minion ids.")
  boolean list;

  @Option(
      names = {"-E", "--pcre"},
      description = "TARGET is a regular expression, matched from the start of the id.")
  boolean pcre;

  /** glob, list or pcre, as the operator API takes it. */
  String type(CommandSpec spec) {
    if (list && pcre) {
      throw new ParameterException(spec.commandLine(), "-L and -E cannot be used together");
    }
    return list ? "list" : pcre ? "pcre" : "glob";
  }

  boolean given() {
    return list || pcre;
  }
}
