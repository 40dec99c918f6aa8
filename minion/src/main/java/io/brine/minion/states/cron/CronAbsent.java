package io.brine.minion.states.cron;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code cron.absent}: removes the entry of that identifier (the command when none is given) from
 * the user's crontab, with its marker line; the changes are Salt's {@code {user: command}}.
 */
final class CronAbsent implements StateFunction {
  private static final Set<String> KEYWORDS = Set.of("user", "identifier", "special");

  @Override
  public String name() {
    return "cron.absent";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    String name = call.name().strip();
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      CronEntry e = CronEntry.of(name(), call.name(), a);
      Crontab tab = Crontab.read(call.context(), e.user());
      Optional<CronJob> job = tab.find(e.identifier(), e.cmd());
      if (call.test()) {
        return job.isEmpty() ? StateResult.ok("Cron " + name + " is absent")
            : StateResult.wouldChange("Cron " + name + " is set to be removed", Map.of());
      }
      if (job.isEmpty()) {
        return StateResult.ok("Cron " + name + " already absent");
      }
      tab.remove(job.get());
      tab.write(call.context(), e.user());
      return StateResult.changed("Cron " + name + " removed from " + e.user() + "'s crontab",
          Map.of(e.user(), name));
    } catch (FunctionException ex) {
      return StateResult.failed(ex.getMessage());
    }
  }
}
