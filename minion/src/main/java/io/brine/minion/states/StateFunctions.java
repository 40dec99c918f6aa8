package io.brine.minion.states;

import io.brine.minion.states.cmd.CmdStates;
import io.brine.minion.states.cron.CronStates;
import io.brine.minion.states.file.FileStates;
import io.brine.minion.states.pkg.PkgStates;
import io.brine.minion.states.service.ServiceStates;
import io.brine.minion.states.test.TestStates;
import io.brine.minion.states.user.UserStates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state functions a minion knows, by name. Each group of states ({@code file.*}, system
 * states, Salt's {@code test.*} states) lists its own in one class; this puts them together.
 */
public final class StateFunctions {
  private final Map<String, StateFunction> byName;

  private StateFunctions(Map<String, StateFunction> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** Every built-in state function. */
  public static StateFunctions builtIn() {
    List<StateFunction> all = new ArrayList<>();
    all.addAll(TestStates.all());
    all.addAll(FileStates.all());
    all.addAll(CmdStates.all());
    all.addAll(PkgStates.all());
    all.addAll(UserStates.all());
    all.addAll(ServiceStates.all());
    all.addAll(CronStates.all());
    return of(all);
  }

  /** @throws IllegalArgumentException for a name given twice */
  public static StateFunctions of(List<StateFunction> functions) {
    Map<String, StateFunction> byName = new TreeMap<>();
    for (StateFunction f : functions) {
      if (byName.putIfAbsent(f.name(), f) != null) {
        throw new IllegalArgumentException("state '" + f.name() + "' is registered twice");
      }
    }
    return new StateFunctions(byName);
  }

  public Optional<StateFunction> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
