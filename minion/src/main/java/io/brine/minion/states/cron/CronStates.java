package io.brine.minion.states.cron;

import io.brine.minion.states.StateFunction;
import java.util.List;

/**
 * Salt's {@code cron.present} and {@code cron.absent}: entries of a user's crontab under Salt's
 * marker line {@code # SALT_CRON_IDENTIFIER:<identifier>}, below Salt's "Lines below here are
 * managed by Salt" line, so that a crontab Salt managed is managed by brine the same way and back.
 */
public final class CronStates {
  private CronStates() {}

  public static List<StateFunction> all() {
    return List.of(new CronPresent(), new CronAbsent());
  }

}
