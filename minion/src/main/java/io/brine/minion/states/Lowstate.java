package io.brine.minion.states;

import io.brine.minion.functions.OneLine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Salt's {@code compile_high_data}: the high data as a list of {@link LowChunk}s in run order
 * ({@code order}, then the auto order), with every requisite resolved to the chunks it names, the
 * {@code _in} forms turned around, and a requisite loop refused with the loop named.
 */
final class Lowstate {
  /** Arguments Salt handles in its state engine for every state, before the function runs. */
  static final Set<String> CHECK_ARGS = Set.of("onlyif", "unless", "creates");

  /** Arguments Salt takes that change nothing here: brine has no event bus or module reloads. */
  private static final Set<String> IGNORED =
      Set.of("fire_event", "reload_modules", "reload_pillar", "reload_grains");

  private Lowstate() {}

  static List<LowChunk> of(Map<String, IdDecl> high) throws CompileException {
    List<String> errors = new ArrayList<>();
    List<LowChunk> chunks = new ArrayList<>();
    for (IdDecl decl : high.values()) {
      for (StateDecl state : decl.states.values()) {
        chunk(decl, state, chunks, errors);
      }
    }
    chunks.sort(Comparator.<LowChunk>comparingLong(c -> c.order).thenComparingInt(c -> c.index));
    resolve(chunks, errors);
    if (errors.isEmpty()) {
      cycle(chunks, errors);
    }
    if (!errors.isEmpty()) {
      throw new CompileException(errors);
    }
    return chunks;
  }

  private static void chunk(
      IdDecl decl, StateDecl state, List<LowChunk> chunks, List<String> errors) {
    Map<String, Object> args = new LinkedHashMap<>(state.args);
    Requisites requisites = Requisites.take(args, decl.id, decl.sls, errors);
    long order = order(decl, state, args.remove("order"), errors);
    boolean failhard = truthy(args.remove("failhard"));
    Map<String, Object> checks = new LinkedHashMap<>();
    for (String check : CHECK_ARGS) {
      if (args.containsKey(check)) {
        checks.put(check, args.remove(check));
      }
    }
    IGNORED.forEach(args::remove);
    args.keySet().removeIf(k -> k.startsWith("__"));
    Object names = args.remove("names");
    Object givenName = args.remove("name");
    List<Map.Entry<String, Map<String, Object>>> each = new ArrayList<>();
    if (names == null) {
      each.add(Map.entry(givenName == null ? decl.id : String.valueOf(givenName), Map.of()));
    } else if (names instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> map && map.size() == 1) {
          Map.Entry<?, ?> e = map.entrySet().iterator().next();
          Map<String, Object> extra = new LinkedHashMap<>();
          if (e.getValue() instanceof List<?> extraArgs) {
            for (Object a : extraArgs) {
              if (a instanceof Map<?, ?> one) {
                one.forEach((k, v) -> extra.put(String.valueOf(k), v));
              }
            }
          }
          each.add(Map.entry(String.valueOf(e.getKey()), extra));
        } else if (item != null && !(item instanceof Map<?, ?>) && !(item instanceof List<?>)) {
          each.add(Map.entry(String.valueOf(item), Map.of()));
        } else {
          errors.add("The names of state '" + OneLine.of(decl.id) + "' in SLS '" + decl.sls
              + "' must be strings or single-key dictionaries");
        }
      }
    } else {
      errors.add("The 'names' argument in state '" + OneLine.of(decl.id) + "' in SLS '"
          + decl.sls + "' must be a list");
    }
    for (Map.Entry<String, Map<String, Object>> name : each) {
      Map<String, Object> chunkArgs = new LinkedHashMap<>(args);
      chunkArgs.putAll(name.getValue());
      LowChunk chunk =
          new LowChunk(
              decl.id, name.getKey(), state.module, state.fun, decl.sls, chunkArgs, order,
              chunks.size(), failhard, checks);
      requisites.refs().forEach((k, v) -> chunk.refs.put(k, List.copyOf(v)));
      requisites.inRefs().forEach((k, v) -> chunk.inRefs.put(k, List.copyOf(v)));
      chunks.add(chunk);
    }
  }

  private static long order(IdDecl decl, StateDecl state, Object order, List<String> errors) {
    if (order == null) {
      return state.autoOrder;
    }
    if (order instanceof Number n) {
      return n.longValue();
    }
    String text = String.valueOf(order).strip();
    if (text.equals("first")) {
      return 0;
    }
    if (text.equals("last")) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      errors.add("The order of state '" + OneLine.of(decl.id) + "' in SLS '" + decl.sls
          + "' must be a number, first or last, not '" + OneLine.of(text) + "'");
      return state.autoOrder;
    }
  }

  static boolean truthy(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    return value != null && Set.of("true", "yes", "1", "on").contains(
        String.valueOf(value).strip().toLowerCase(java.util.Locale.ROOT));
  }

  private static void resolve(List<LowChunk> chunks, List<String> errors) {
    for (LowChunk chunk : chunks) {
      chunk.refs.forEach(
          (kind, refs) -> {
            List<LowChunk> into = chunk.targets.computeIfAbsent(kind, k -> new ArrayList<>());
            for (Requisites.Ref ref : refs) {
              List<LowChunk> found = matching(chunks, chunk, ref);
              if (found.isEmpty()) {
                chunk.notFound.add(kind.argName() + ": " + ref);
              }
              found.stream().filter(t -> !into.contains(t)).forEach(into::add);
            }
          });
    }
    for (LowChunk chunk : chunks) {
      chunk.inRefs.forEach(
          (kind, refs) -> {
            for (Requisites.Ref ref : refs) {
              List<LowChunk> found = matching(chunks, chunk, ref);
              if (found.isEmpty()) {
                errors.add("Cannot extend ID '" + OneLine.of(ref.value()) + "' in '"
                    + HighCompiler.where(chunk.sls) + "' with " + kind.argName() + "_in of '"
                    + OneLine.of(chunk.id) + "'. It is not part of the high state.");
              }
              for (LowChunk target : found) {
                List<LowChunk> into = target.targets.computeIfAbsent(kind, k -> new ArrayList<>());
                if (!into.contains(chunk)) {
                  into.add(chunk);
                }
              }
            }
          });
    }
    for (LowChunk chunk : chunks) {
      for (LowChunk target : chunk.targets.getOrDefault(Requisites.Kind.PREREQ, List.of())) {
        target.prereqOf.add(chunk);
      }
    }
  }

  private static List<LowChunk> matching(
      List<LowChunk> chunks, LowChunk from, Requisites.Ref ref) {
    return chunks.stream().filter(c -> c != from && c.matches(ref)).toList();
  }

  /**
   * What a chunk must have run before it: its requisites but prereq; the states that prereq it;
   * and, for a prereq it declares, what that state needs before its test run.
   */
  static List<LowChunk> before(LowChunk chunk) {
    List<LowChunk> before = new ArrayList<>();
    chunk.targets.forEach(
        (kind, targets) -> {
          if (kind != Requisites.Kind.PREREQ) {
            before.addAll(targets);
          } else {
            for (LowChunk t : targets) {
              t.targets.forEach((k2, t2) -> {
                if (k2 != Requisites.Kind.PREREQ) {
                  before.addAll(t2);
                }
              });
            }
          }
        });
    before.addAll(chunk.prereqOf);
    before.remove(chunk);
    return before;
  }

  private static void cycle(List<LowChunk> chunks, List<String> errors) {
    Map<LowChunk, Integer> state = new HashMap<>();
    for (LowChunk start : chunks) {
      List<LowChunk> path = new ArrayList<>();
      if (visit(start, state, path)) {
        LowChunk again = path.get(path.size() - 1);
        List<LowChunk> loop = path.subList(path.indexOf(again), path.size());
        StringBuilder text = new StringBuilder("Recursive requisite found: ");
        for (int i = 0; i < loop.size(); i++) {
          LowChunk c = loop.get(i);
          text.append(i == 0 ? "" : " -> ").append(c.slsId()).append(" (").append(c.function())
              .append(')');
        }
        errors.add(text.toString());
        return;
      }
    }
  }

  /** Depth first; true with {@code path} ending in the chunk met twice when there is a loop. */
  private static boolean visit(LowChunk chunk, Map<LowChunk, Integer> state, List<LowChunk> path) {
    Integer seen = state.get(chunk);
    if (seen != null && seen == 2) {
      return false;
    }
    path.add(chunk);
    if (seen != null) {
      return true;
    }
    state.put(chunk, 1);
    for (LowChunk next : before(chunk)) {
      if (visit(next, state, path)) {
        return true;
      }
    }
    state.put(chunk, 2);
    path.remove(path.size() - 1);
    return false;
  }
}
