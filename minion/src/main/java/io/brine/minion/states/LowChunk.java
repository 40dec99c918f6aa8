package io.brine.minion.states;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One state to run, Salt's "low chunk": an id's state for one name (a {@code names} list makes one
 * chunk per name), its arguments without the requisites and the engine's own ({@code order},
 * {@code failhard}, {@code onlyif}, {@code unless}, {@code creates}), which are kept apart.
 */
final class LowChunk {
  final String id;
  final String name;
  final String module;
  final String fun;
  final String sls;
  final Map<String, Object> args;
  final long order;
  final int index;
  final boolean failhard;
  final Map<String, Object> checks;
  final Map<Requisites.Kind, List<Requisites.Ref>> refs = new EnumMap<>(Requisites.Kind.class);
  final Map<Requisites.Kind, List<Requisites.Ref>> inRefs = new EnumMap<>(Requisites.Kind.class);

  /** The chunks this one waits for, by kind, after resolution; and the references not found. */
  final Map<Requisites.Kind, List<LowChunk>> targets = new EnumMap<>(Requisites.Kind.class);

  final List<String> notFound = new ArrayList<>();

  /** The states whose {@code prereq} names this one: they run before it when it would change. */
  final List<LowChunk> prereqOf = new ArrayList<>();

  LowChunk(
      String id,
      String name,
      String module,
      String fun,
      String sls,
      Map<String, Object> args,
      long order,
      int index,
      boolean failhard,
      Map<String, Object> checks) {
    this.id = id;
    this.name = name;
    this.module = module;
    this.fun = fun;
    this.sls = sls;
    this.args = args;
    this.order = order;
    this.index = index;
    this.failhard = failhard;
    this.checks = checks;
  }

  /** Salt's return key: {@code file_|-id_|-name_|-managed}. */
  String tag() {
    return module + "_|-" + id + "_|-" + name + "_|-" + fun;
  }

  String function() {
    return module + "." + fun;
  }

  /** Salt's name for it in requisite comments: {@code web.nginx-conf}. */
  String slsId() {
    return sls + "." + id;
  }

  boolean matches(Requisites.Ref ref) {
    if ("sls".equals(ref.module())) {
      return sls.equals(ref.value());
    }
    boolean named = id.equals(ref.value()) || name.equals(ref.value());
    return named && (ref.module() == null || module.equals(ref.module()));
  }

  /** Salt's show_lowstate entry. */
  Map<String, Object> lowData() {
    Map<String, Object> low = new LinkedHashMap<>();
    low.put("state", module);
    low.put("__id__", id);
    low.put("name", name);
    low.putAll(args);
    low.putAll(checks);
    refs.forEach((k, v) -> low.put(k.argName(), v.stream().map(LowChunk::refData).toList()));
    low.put("__sls__", sls);
    low.put("__env__", HighCompiler.ENV);
    low.put("fun", fun);
    low.put("order", order);
    return low;
  }

  private static Object refData(Requisites.Ref ref) {
    return ref.module() == null ? ref.value() : Map.of(ref.module(), ref.value());
  }
}
