package io.brine.minion.functions;

import io.brine.minion.functions.builtin.CmdRetcode;
import io.brine.minion.functions.builtin.CmdRun;
import io.brine.minion.functions.builtin.CmdRunAll;
import io.brine.minion.functions.builtin.CpGetFile;
import io.brine.minion.functions.builtin.Grains;
import io.brine.minion.functions.builtin.GrainsGet;
import io.brine.minion.functions.builtin.GrainsItems;
import io.brine.minion.functions.builtin.SysListFunctions;
import io.brine.minion.functions.builtin.TestEcho;
import io.brine.minion.functions.builtin.TestPing;
import io.brine.minion.functions.builtin.TestSleep;
import io.brine.minion.functions.builtin.TestVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The functions a minion can run, by name. Immutable. */
public final class FunctionRegistry {
  /** Salt's shape: module.function, lower case, digits and '_'. */
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

  private final Map<String, MinionFunction> byName;

  private FunctionRegistry(Map<String, MinionFunction> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** Every built-in function. */
  public static FunctionRegistry builtIn() {
    Grains grains = new Grains();
    List<MinionFunction> fns =
        new ArrayList<>(
            List.of(
                new TestPing(),
                new TestEcho(),
                new TestVersion(),
                new TestSleep(),
                new CmdRun(),
                new CmdRunAll(),
                new CmdRetcode(),
                new GrainsItems(grains),
                new GrainsGet(grains),
                new CpGetFile(),
                new io.brine.minion.functions.builtin.cp.CpRecv()));
    // sys.list_functions lists the registry it is part of: every name is known before it is built.
    SortedSet<String> names = new TreeSet<>();
    fns.forEach(f -> names.add(f.name()));
    names.add(SysListFunctions.NAME);
    fns.add(new SysListFunctions(names));
    return of(fns.toArray(new MinionFunction[0]));
  }

  /**
   * @throws IllegalArgumentException for a name given twice or not of the form module.function
   */
  public static FunctionRegistry of(MinionFunction... fns) {
    Map<String, MinionFunction> byName = new TreeMap<>();
    for (MinionFunction f : fns) {
      String name = f.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "function name '" + OneLine.of(name) + "' is not of the form module.function");
      }
      if (byName.putIfAbsent(name, f) != null) {
        throw new IllegalArgumentException("function '" + name + "' is registered twice");
      }
    }
    return new FunctionRegistry(byName);
  }

  public Optional<MinionFunction> find(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
  }

  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
  }
}
