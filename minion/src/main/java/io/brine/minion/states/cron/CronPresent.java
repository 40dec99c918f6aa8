package io.brine.minion.states.cron;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code cron.present}: the command in the user's crontab at minute, hour, daymonth, month and
 * dayweek ('*' each by default) or at a {@code special} time ("@reboot"), under its marker line
 * with {@code comment}, disabled with {@code commented: True}. An entry of the same identifier (or
 * without one, of the same command) is updated in its place, as Salt's set_job does; the changes
 * are Salt's {@code {user: command}}.
 */
final class CronPresent implements StateFunction {
  private static final Set<String> KEYWORDS = Set.of("user", "minute", "hour", "daymonth",
      "month", "dayweek", "comment", "commented", "identifier", "special");

  @Override
  public String name() {
    return "cron.present";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    String name = call.name().strip();
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      CronEntry e = CronEntry.of(name(), call.name(), a);
      String schedule = schedule(a);
      Optional<String> comment = a.optionalString("comment");
      if (comment.isPresent()) {
        CronEntry.oneLine(name(), "comment", comment.get());
      }
      boolean commented = a.bool("commented", false);
      Crontab tab = Crontab.read(call.context(), e.user());
      Optional<CronJob> old = tab.find(e.identifier(), e.cmd());
      // Salt's _needs_change: a comment not given keeps the one there.
      CronJob wanted = new CronJob(
          comment.orElse(old.map(CronJob::comment).orElse(null)),
          e.identifier(), commented, schedule, e.cmd());
      if (old.isPresent() && old.get().equals(wanted)) {
        return StateResult.ok("Cron " + name + " already present");
      }
      if (call.test()) {
        return StateResult.wouldChange("Cron " + name + " is set to be "
            + (old.isPresent() ? "updated" : "added"), Map.of());
      }
      tab.put(old.orElse(null), wanted);
      tab.write(call.context(), e.user());
      return StateResult.changed(old.isPresent() ? "Cron " + name + " updated"
          : "Cron " + name + " added to " + e.user() + "'s crontab", Map.of(e.user(), name));
    } catch (FunctionException ex) {
      return StateResult.failed(ex.getMessage());
    }
  }

  /** "m h dom mon dow" of the five fields, or the special; each field one word. */
  private String schedule(Arguments a) throws FunctionException {
    Optional<String> special = a.optionalString("special").filter(s -> !s.isEmpty());
    if (special.isPresent()) {
      if (!CronEntry.SPECIALS.contains(special.get())) {
        throw new FunctionException(name() + ": 'special' must be one of "
            + String.join(", ", CronEntry.SPECIALS.stream().sorted().toList()) + ", got "
            + CronEntry.oneLine(name(), "special", special.get()));
      }
      return special.get();
    }
    List<String> fields = new ArrayList<>();
    for (String f : List.of("minute", "hour", "daymonth", "month", "dayweek")) {
      String v = a.optionalString(f).map(String::strip).orElse("*");
      if (!v.matches("[^\\s#]+")) {
        throw new FunctionException(name() + ": '" + f + "' must be one crontab field, got '"
            + CronEntry.oneLine(name(), f, v) + "'");
      }
      fields.add(v);
    }
    return String.join(" ", fields);
  }
}
