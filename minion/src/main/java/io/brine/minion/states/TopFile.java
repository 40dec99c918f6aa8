package io.brine.minion.states;

import io.brine.minion.functions.OneLine;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Salt's {@code top.sls}: for the {@code base} environment, targets in order, each with the SLS
 * names it gives the minions it matches. A target is a glob unless a {@code - match: TYPE} entry
 * says otherwise: grain, grain_pcre, pcre, list, compound, ipcidr (the same matchers as a job's
 * target), or pillar.
 */
final class TopFile {
  private TopFile() {}

  /** Salt's show_top: {@code {base: [sls, ...]}} for this minion. */
  static Map<String, List<String>> show(List<String> mods) {
    Map<String, List<String>> top = new LinkedHashMap<>();
    top.put(HighCompiler.ENV, mods);
    return top;
  }

  /**
   * The SLS names the top file gives this minion, each once, in the file's order.
   *
   * @throws CompileException for a top file of the wrong shape or a target that does not parse
   */
  static List<String> matches(
      Object top, MinionId id, Map<String, Object> grains, Map<String, Object> pillar)
      throws CompileException {
    List<String> errors = new ArrayList<>();
    Set<String> mods = new LinkedHashSet<>();
    if (!(top instanceof Map<?, ?> envs)) {
      throw new CompileException(List.of("Top file does not render to a dictionary"));
    }
    Object base = envs.get(HighCompiler.ENV);
    if (base == null) {
      return List.of();
    }
    if (!(base instanceof Map<?, ?> targets)) {
      throw new CompileException(List.of("Top file's 'base' is not a dictionary of targets"));
    }
    for (Map.Entry<?, ?> e : targets.entrySet()) {
      String expression = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof List<?> entries)) {
        errors.add("Top file target '" + OneLine.of(expression) + "' must give a list of SLS");
        continue;
      }
      String type = "glob";
      List<String> names = new ArrayList<>();
      for (Object entry : entries) {
        if (entry instanceof Map<?, ?> option && option.containsKey("match")) {
          type = String.valueOf(option.get("match"));
        } else if (entry instanceof String name) {
          names.add(name);
        } else if (!(entry instanceof Map<?, ?>)) {
          errors.add("Top file target '" + OneLine.of(expression) + "' has an entry that is"
              + " not an SLS name: " + OneLine.of(String.valueOf(entry)));
        }
      }
      try {
        if (matches(type, expression, id, grains, pillar)) {
          mods.addAll(names);
        }
      } catch (ProtocolException ex) {
        errors.add("Top file target '" + OneLine.of(expression) + "': " + ex.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new CompileException(errors);
    }
    return List.copyOf(mods);
  }

  private static boolean matches(
      String type,
      String expression,
      MinionId id,
      Map<String, Object> grains,
      Map<String, Object> pillar)
      throws ProtocolException {
    if (type.equals("pillar") || type.equals("pillar_pcre")) {
      // The pillar is matched as grains are: key:value, nested keys split by ':'.
      String as = type.equals("pillar") ? "grain" : "grain_pcre";
      return Target.of(as, expression).matches(id, () -> pillar);
    }
    return Target.of(type, expression).matches(id, () -> grains);
  }
}
