package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code sys.list_functions [module|glob ...]}: the sorted function names, all of them or, as
 * Salt's filter works, those of a module ("test" lists test.*, not testing.*) or matching a glob
 * ("cmd.run*"; any argument with '*' or '.' is a glob).
 */
public final class SysListFunctions implements MinionFunction {
  public static final String NAME = "sys.list_functions";

  private final SortedSet<String> names;

  /**
   * @param names every function of the registry this one is part of, itself included
   */
  public SysListFunctions(SortedSet<String> names) {
    this.names = new TreeSet<>(names);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String doc() {
    return "Lists the minion's functions, optionally those of some modules or matching a glob.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parseVarargs(call, name(), Set.of());
    return FunctionOutput.ok(new ArrayList<>(select(names, a.rest())));
  }

  /** The names the filters pick (every name without a filter), sorted; sys.doc shares this. */
  static SortedSet<String> select(SortedSet<String> names, List<Object> filters) {
    if (filters.isEmpty()) {
      return new TreeSet<>(names);
    }
    SortedSet<String> out = new TreeSet<>();
    for (Object f : filters) {
      String filter = String.valueOf(f);
      if (filter.contains("*") || filter.contains(".")) {
        Pattern glob = glob(filter);
        names.stream().filter(n -> glob.matcher(n).matches()).forEach(out::add);
      } else {
        names.stream().filter(n -> n.startsWith(filter + ".")).forEach(out::add);
      }
    }
    return out;
  }

  /** fnmatch's '*' and '?'; everything else literal (function names need no character sets). */
  private static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
