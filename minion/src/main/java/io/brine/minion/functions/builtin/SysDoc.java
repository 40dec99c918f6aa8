package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code sys.doc [module|function|glob ...]}: Salt's {name: doc} for every function, or those the
 * arguments pick as {@code sys.list_functions} picks them ("file", "file.read", "cmd.run*").
 */
public final class SysDoc implements MinionFunction {
  public static final String NAME = "sys.doc";
  private static final String DOC =
      "Returns {function: doc} for every function, or those of the given modules or globs.";

  private final Map<String, String> docs = new TreeMap<>();

  /**
   * @param functions every other function of the registry this one is part of
   */
  public SysDoc(List<MinionFunction> functions) {
    functions.forEach(f -> docs.put(f.name(), f.doc()));
    docs.put(NAME, DOC);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String doc() {
    return DOC;
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parseVarargs(call, name(), Set.of());
    SortedSet<String> names = SysListFunctions.select(new TreeSet<>(docs.keySet()), a.rest());
    Map<String, String> ret = new LinkedHashMap<>();
    names.forEach(n -> ret.put(n, docs.get(n)));
    return FunctionOutput.ok(ret);
  }
}
