package io.brine.cli.job;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Salt's {@code -b}: a number of minions, or a percentage of those targeted. */
record BatchSize(int count, int percent) {
  static BatchSize parse(CommandSpec spec, String text) {
    String t = text.strip();
    boolean share = t.endsWith("%");
    try {
      int n = Integer.parseInt(share ? t.substring(0, t.length() - 1).strip() : t);
      if (n < 1 || (share && n > 100)) {
        throw new NumberFormatException();
      }
      return share ? new BatchSize(0, n) : new BatchSize(n, 0);
    } catch (NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(),
          "-b must be a number of minions (1 or more) or a percentage (1% to 100%), not '"
              + text + "'");
    }
  }

  /**
   * How many run at once out of {@code targeted}: a percentage as Salt rounds it, down, but never
   * below one minion.
   */
  int of(int targeted) {
    if (percent == 0) {
      return count;
    }
    return Math.max(1, targeted * percent / 100);
  }
}
