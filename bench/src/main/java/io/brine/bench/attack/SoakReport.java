package io.brine.bench.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a soak saw, and its verdict. FAIL on any of: a ping not answered {@code true}; a stack
 * trace line in the master's or a minion's log; the master's RSS grown by more than the bound, or
 * its threads; more files in {@code minions_pre} than the cap and the per-address rate allow; a
 * minion that lost its connection; an outcome labelled a defect (a connection held past its
 * deadline, a replay answered, a frame to an impostor after its WELCOME); a child process that
 * died. (Operators unable to unseal through the share flood stop the soak before it starts: a FAIL
 * too.)
 *
 * @param pendingBound the most {@code minions_pre} files allowed: the cap, or fewer if the rate
 *     per attacker address over the soak's minutes allows fewer
 */
record SoakReport(
    SoakOptions options,
    double attackSeconds,
    List<Outcomes> attacks,
    PingChecker.Result pings,
    ProcStatus start,
    ProcStatus end,
    long peakRssBytes,
    long masterWarnLines,
    long masterStackLines,
    long minionStackLines,
    long lostConnections,
    long pendingKeys,
    long pendingBound,
    boolean childrenAlive) {

  /** Why the soak failed; empty when it passed. */
  List<String> failures() {
    List<String> why = new ArrayList<>();
    if (pings.sent() == 0 || pings.answered() != pings.sent()) {
      why.add(pings.sent() - pings.answered() + " of " + pings.sent() + " pings not answered");
    }
    if (masterStackLines > 0) {
      why.add(masterStackLines + " stack-trace lines in the master's log");
    }
    if (minionStackLines > 0) {
      why.add(minionStackLines + " stack-trace lines in the minions' logs");
    }
    long growth = end.rssBytes() - start.rssBytes();
    if (growth > options.maxRssGrowthMiB() * 1024L * 1024L) {
      why.add("the master's RSS grew " + mib(growth) + " (bound " + options.maxRssGrowthMiB() + " MiB)");
    }
    if (end.threads() - start.threads() > options.maxThreadGrowth()) {
      why.add("the master's threads grew from " + start.threads() + " to " + end.threads());
    }
    if (pendingKeys > pendingBound) {
      why.add(pendingKeys + " keys in minions_pre, more than the " + pendingBound + " allowed");
    }
    if (lostConnections > 0) {
      why.add("a minion logged '" + SoakMinion.LOST + "' " + lostConnections + " times");
    }
    for (Outcomes o : attacks) {
      long defects = o.countStartingWith(Outcomes.DEFECT);
      if (defects > 0) {
        why.add(o.attack() + ": " + defects + " outcomes are defects (see the table)");
      }
    }
    if (!childrenAlive) {
      why.add("the master or a minion died during the soak");
    }
    return why;
  }

  boolean passed() {
    return failures().isEmpty();
  }

  /** The report as printed. */
  String table() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "attack soak: %.0f s of attacks, %d minion(s), master key %d bits, stranger timeouts %s,"
                + " max_pending_keys %d, max_new_keys_per_address %d, seed %d%n",
            attackSeconds,
            options.minions(),
            options.masterKeysize(),
            options.timeoutSeconds() == 0 ? "the defaults" : options.timeoutSeconds() + " s",
            options.maxPendingKeys(),
            options.maxNewKeysPerAddress(),
            options.seed()));
    out.append(String.format(Locale.ROOT, "%-16s %9s  %s%n", "attack", "attempts", "outcomes"));
    for (Outcomes o : attacks) {
      out.append(String.format(Locale.ROOT, "%-16s %9d", o.attack(), o.attempts()));
      String sep = "  ";
      for (Map.Entry<String, Long> e : o.snapshot().entrySet()) {
        out.append(sep).append(e.getKey()).append(" ").append(e.getValue());
        sep = String.format(Locale.ROOT, "%n%28s", "");
      }
      out.append(String.format(Locale.ROOT, "%n"));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "pings: %d sent, %d answered true, slowest %.2f s%n",
            pings.sent(),
            pings.answered(),
            pings.slowestSeconds()));
    pings.failures().forEach(f -> out.append("  ").append(f).append(String.format("%n")));
    out.append(
        String.format(
            Locale.ROOT,
            "master: RSS %s at start, %s at end (peak %s); threads %d at start, %d at end%n",
            mib(start.rssBytes()),
            mib(end.rssBytes()),
            mib(peakRssBytes),
            start.threads(),
            end.threads()));
    out.append(
        String.format(
            Locale.ROOT,
            "master log: %d WARN lines, %d stack-trace lines; minion logs: %d stack-trace lines,"
                + " '%s' %d%n",
            masterWarnLines,
            masterStackLines,
            minionStackLines,
            SoakMinion.LOST,
            lostConnections));
    out.append(
        String.format(
            Locale.ROOT, "minions_pre: %d files (allowed %d)%n", pendingKeys, pendingBound));
    List<String> why = failures();
    out.append(why.isEmpty() ? "PASS" : "FAIL").append(String.format("%n"));
    why.forEach(w -> out.append("  ").append(w).append(String.format("%n")));
    return out.toString();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / 1024.0 / 1024.0);
  }
}
