package io.brine.master.pillar;

import io.brine.common.log.LogText;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pillar's {@code top.sls}: for the {@code base} environment, targets in order, each with the
 * pillar SLS names it gives the minions it matches. As the state top file: a target is a glob
 * unless a {@code - match: TYPE} entry says otherwise (grain, grain_pcre, pcre, list, compound,
 * ipcidr: the matchers of a job's target, {@link Target}); pillar and pillar_pcre match the pillar
 * compiled so far, which while the top file is read is empty, as in Salt. Salt's {@code -
 * ignore_missing: True} lets the target's SLS be absent without an error.
 */
final class PillarTop {
  /** An SLS the top file gives the minion. */
  record Entry(String sls, boolean ignoreMissing) {}

  private PillarTop() {}

  /**
   * The SLS names for {@code id}, each once, in the file's order; a target that does not parse,
   * or a top file of the wrong shape, adds one line to {@code errors} and nothing else.
   */
  static List<Entry> matches(
      Object top, MinionId id, Map<String, Object> grains, List<String> errors) {
    Map<String, Entry> mods = new LinkedHashMap<>();
    if (!(top instanceof Map<?, ?> envs)) {
      errors.add("Top file does not render to a dictionary");
      return List.of();
    }
    Object base = envs.get(PillarCompiler.ENV);
    if (base == null) {
      return List.of();
    }
    if (!(base instanceof Map<?, ?> targets)) {
      errors.add("Top file's 'base' is not a dictionary of targets");
      return List.of();
    }
    for (Map.Entry<?, ?> e : targets.entrySet()) {
      String expression = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof List<?> items)) {
        errors.add("Top file target '" + shown(expression) + "' must give a list of SLS");
        continue;
      }
      String type = "glob";
      boolean ignoreMissing = false;
      List<String> names = new ArrayList<>();
      for (Object item : items) {
        if (item instanceof String name) {
          names.add(name);
        } else if (item instanceof Map<?, ?> option && option.containsKey("match")) {
          type = String.valueOf(option.get("match"));
        } else if (item instanceof Map<?, ?> option && option.containsKey("ignore_missing")) {
          ignoreMissing = Boolean.TRUE.equals(option.get("ignore_missing"));
        } else {
          errors.add("Top file target '" + shown(expression) + "' has an entry that is not an"
              + " SLS name: " + shown(String.valueOf(item)));
        }
      }
      try {
        if (matches(type, expression, id, grains)) {
          for (String name : names) {
            mods.putIfAbsent(name, new Entry(name, ignoreMissing));
          }
        }
      } catch (ProtocolException ex) {
        errors.add("Top file target '" + shown(expression) + "': " + ex.getMessage());
      }
    }
    return List.copyOf(mods.values());
  }

  private static boolean matches(
      String type, String expression, MinionId id, Map<String, Object> grains)
      throws ProtocolException {
    if (type.equals("pillar") || type.equals("pillar_pcre")) {
      // Matched as grains are, against the pillar so far: nothing, while the top is read.
      Target.of(type.equals("pillar") ? "grain" : "grain_pcre", expression);
      return false;
    }
    return Target.of(type, expression).matches(id, () -> grains);
  }

  private static String shown(String s) {
    return LogText.escape(s, 200);
  }
}
