package io.brine.minion.states.cron;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.builtin.SafeName;
import java.util.Optional;
import java.util.Set;

/**
 * What a cron state names: the command (the state's name, stripped as Salt does), the user whose
 * crontab it is (root by default) and the identifier (the command when none is given), each
 * checked to be one line.
 */
record CronEntry(String cmd, String user, String identifier) {
  static final Set<String> SPECIALS = Set.of("@reboot", "@yearly", "@annually", "@monthly",
      "@weekly", "@daily", "@midnight", "@hourly");

  static CronEntry of(String state, String name, Arguments a) throws FunctionException {
    String cmd = name.strip();
    if (cmd.isEmpty()) {
      throw new FunctionException(state + ": the command (name) is empty");
    }
    oneLine(state, "name", cmd);
    String user = SafeName.ACCOUNT.check(state, "user", a.optionalString("user").orElse("root"));
    Optional<String> id = a.optionalString("identifier")
        .filter(s -> !s.isEmpty() && !s.equalsIgnoreCase("false"));
    if (id.isPresent()) {
      oneLine(state, "identifier", id.get());
    }
    return new CronEntry(cmd, user, id.orElse(cmd));
  }

  static String oneLine(String state, String argument, String value) throws FunctionException {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
      throw new FunctionException(state + ": '" + argument + "' must be one line");
    }
    return value;
  }
}
