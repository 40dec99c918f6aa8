package io.brine.minion.functions.builtin.pillar;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Salt's pillar module and {@code saltutil.refresh_pillar}, over the minion's in-memory pillar
 * ({@link io.brine.minion.functions.PillarSource}): {@code pillar.items} asks the master for a
 * fresh one, as Salt's does; {@code pillar.get}, {@code pillar.item} and {@code pillar.raw} read
 * the one held (fetched when none is); {@code saltutil.refresh_pillar} replaces the one held.
 */
public final class PillarFunctions {
  private PillarFunctions() {}

  public static List<MinionFunction> all() {
    return List.of(new Items(), new Raw(), new Get(), new Item(), new Refresh());
  }

  /** {@code a:b:c} into the nested dicts (and list indexes) of {@code data}; null when absent. */
  static Object lookup(Map<String, Object> data, String key, String delimiter) {
    Object at = data;
    for (String part : key.split(java.util.regex.Pattern.quote(delimiter), -1)) {
      if (at instanceof Map<?, ?> map && map.containsKey(part)) {
        at = map.get(part);
      } else if (at instanceof List<?> list && part.matches("\\d{1,9}")
          && Integer.parseInt(part) < list.size()) {
        at = list.get(Integer.parseInt(part));
      } else {
        return null;
      }
    }
    return at;
  }

  private static Map<String, Object> pillar(FunctionCall call, boolean refresh)
      throws IOException, InterruptedException {
    return call.context().pillar().get(refresh);
  }

  /** pillar.items: the whole pillar, fresh from the master; with keys, only those. */
  private static final class Items implements MinionFunction {
    @Override
    public String name() {
      return "pillar.items";
    }

    @Override
    public String doc() {
      return "This minion's pillar, compiled afresh by the master.";
    }

    @Override
    public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
      Arguments a = Arguments.parseVarargs(call, name(), Set.of("pillar", "pillarenv"));
      if (a.get("pillar").isPresent() || a.get("pillarenv").isPresent()) {
        throw new FunctionException(
            "pillar.items: brine compiles one pillar per minion; pillar= and pillarenv= are not"
                + " taken");
      }
      Map<String, Object> pillar;
      try {
        pillar = pillar(call, true);
      } catch (IOException e) {
        return CommandError.of(e.getMessage());
      }
      if (a.rest().isEmpty()) {
        return FunctionOutput.ok(pillar);
      }
      Map<String, Object> some = new LinkedHashMap<>();
      for (Object key : a.rest()) {
        String k = String.valueOf(key);
        if (pillar.containsKey(k)) {
          some.put(k, pillar.get(k));
        }
      }
      return FunctionOutput.ok(some);
    }
  }

  /** pillar.raw: the pillar held, or one key of it. */
  private static final class Raw implements MinionFunction {
    @Override
    public String name() {
      return "pillar.raw";
    }

    @Override
    public String doc() {
      return "The pillar this minion holds in memory, or one key of it.";
    }

    @Override
    public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
      Arguments a = Arguments.parse(call, name(), List.of("key"), Set.of());
      try {
        Map<String, Object> pillar = pillar(call, false);
        return FunctionOutput.ok(
            a.optionalString("key").map(k -> pillar.get(k)).orElse(pillar));
      } catch (IOException e) {
        return CommandError.of(e.getMessage());
      }
    }
  }

  /** pillar.get key [default] [delimiter=':']: a value by its colon path. */
  private static final class Get implements MinionFunction {
    @Override
    public String name() {
      return "pillar.get";
    }

    @Override
    public String doc() {
      return "A pillar value by its key path (a:b:c), or the default ('' when none is given).";
    }

    @Override
    public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
      Arguments a =
          Arguments.parse(call, name(), List.of("key", "default"), Set.of("delimiter", "merge"));
      String key = a.requiredString("key");
      String delimiter = a.optionalString("delimiter").orElse(":");
      if (delimiter.isEmpty()) {
        throw new FunctionException("pillar.get: the delimiter is empty");
      }
      Object fallback = a.get("default").orElse("");
      try {
        Object value = lookup(pillar(call, false), key, delimiter);
        return FunctionOutput.ok(value == null ? fallback : value);
      } catch (IOException e) {
        return CommandError.of(e.getMessage());
      }
    }
  }

  /** pillar.item key...: the keys asked for, each by its colon path; '' for a missing one. */
  private static final class Item implements MinionFunction {
    @Override
    public String name() {
      return "pillar.item";
    }

    @Override
    public String doc() {
      return "The pillar keys asked for, by key path, in a dict.";
    }

    @Override
    public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
      Arguments a = Arguments.parseVarargs(call, name(), Set.of("default", "delimiter"));
      String delimiter = a.optionalString("delimiter").orElse(":");
      Object fallback = a.get("default").orElse("");
      try {
        Map<String, Object> pillar = pillar(call, false);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Object key : a.rest()) {
          Object value = lookup(pillar, String.valueOf(key), delimiter);
          out.put(String.valueOf(key), value == null ? fallback : value);
        }
        return FunctionOutput.ok(out);
      } catch (IOException e) {
        return CommandError.of(e.getMessage());
      }
    }
  }

  /** saltutil.refresh_pillar: a fresh pillar from the master replaces the one held. */
  private static final class Refresh implements MinionFunction {
    @Override
    public String name() {
      return "saltutil.refresh_pillar";
    }

    @Override
    public String doc() {
      return "Fetches this minion's pillar from the master again; True when it arrived.";
    }

    @Override
    public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
      Arguments.parse(call, name(), List.of(), Set.of("wait", "timeout", "clean_cache"));
      try {
        pillar(call, true);
        return FunctionOutput.ok(true);
      } catch (IOException e) {
        return CommandError.of(e.getMessage());
      }
    }
  }
}
