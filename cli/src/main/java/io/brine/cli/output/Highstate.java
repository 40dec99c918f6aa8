package io.brine.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Salt's highstate outputter: each state of a minion's run in run order ({@code __run_num__}),
 * ID, Function, Name (when not the id), Result, Comment, Started, Duration and Changes, then
 * "Summary for <id>" with succeeded (changed), failed, the states run and the total run time. A
 * run that did not compile (a list of errors) is "Data failed to compile:" and the errors; a value
 * that is no state run at all is printed nested, as Salt does.
 *
 * <p>{@code --state-output} as Salt's: full (the default), terse (one line per state), mixed
 * (terse for the states that succeeded without changes), changes (as mixed, Salt's other name).
 * {@code --state-verbose=False} leaves out the states that succeeded without changes.
 */
final class Highstate {
  /** How much of each state is printed. */
  enum StateOutput {
    FULL,
    TERSE,
    MIXED,
    CHANGES;

    static StateOutput of(String name) {
      String n = name.toLowerCase(Locale.ROOT).replace("_id", "");
      for (StateOutput s : values()) {
        if (s.name().toLowerCase(Locale.ROOT).equals(n)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "--state-output must be full, terse, mixed or changes, not '" + name + "'");
    }
  }

  private final Colors colors;
  private final StateOutput stateOutput;
  private final boolean verbose;

  Highstate(Colors colors, StateOutput stateOutput, boolean verbose) {
    this.colors = colors;
    this.stateOutput = stateOutput;
    this.verbose = verbose;
  }

  /** Whether {@code value} is a state run's returns: each value a dict with a result. */
  static boolean isStateRun(JsonNode value) {
    if (value == null || !value.isObject() || value.isEmpty()) {
      return false;
    }
    for (JsonNode ret : value) {
      if (!ret.isObject() || !ret.has("result") || !ret.has("comment")) {
        return false;
      }
    }
    return true;
  }

  String minion(String id, JsonNode value, boolean failed) {
    if (value != null && value.isArray() && value.size() > 0
        && allText(value)) {
      StringBuilder out = new StringBuilder();
      out.append(colors.red()).append(id).append(":").append(colors.end()).append('\n');
      out.append(colors.red()).append("    Data failed to compile:").append(colors.end())
          .append('\n');
      for (JsonNode error : value) {
        out.append(colors.red()).append("----------").append(colors.end()).append('\n');
        for (String line : error.asText().split("\r?\n")) {
          out.append(colors.red()).append("    ").append(line).append(colors.end()).append('\n');
        }
      }
      return out.toString();
    }
    if (!isStateRun(value)) {
      return Nested.minion(id, value, colors, failed);
    }
    List<JsonNode> states = new ArrayList<>();
    value.forEach(states::add);
    states.sort(Comparator.comparingInt(r -> r.path("__run_num__").asInt(0)));
    List<String> tags = new ArrayList<>();
    value.fieldNames().forEachRemaining(tags::add);
    StringBuilder out = new StringBuilder();
    boolean anyFailed = states.stream().anyMatch(r -> isFalse(r.get("result")));
    out.append(anyFailed ? colors.red() : colors.green()).append(id).append(':')
        .append(colors.end()).append('\n');
    int succeeded = 0;
    int changed = 0;
    int unchanged = 0;
    int failedCount = 0;
    double totalMs = 0;
    for (JsonNode ret : states) {
      JsonNode result = ret.get("result");
      boolean hasChanges = ret.path("changes").isObject() && !ret.path("changes").isEmpty();
      if (isFalse(result)) {
        failedCount++;
      } else {
        succeeded++;
        if (result == null || result.isNull()) {
          unchanged++;
        }
        if (hasChanges) {
          changed++;
        }
      }
      totalMs += ret.path("duration").asDouble(0);
      boolean quiet = !isFalse(result) && !hasChanges && result != null && !result.isNull();
      if (quiet && !verbose) {
        continue;
      }
      String tag = tagOf(value, ret);
      if (stateOutput == StateOutput.TERSE
          || (quiet && (stateOutput == StateOutput.MIXED || stateOutput == StateOutput.CHANGES))) {
        out.append(terse(tag, ret, result, hasChanges));
      } else {
        out.append(full(tag, ret, result, hasChanges));
      }
    }
    out.append('\n');
    String summaryColor = failedCount > 0 ? colors.red() : colors.cyan();
    out.append(summaryColor).append("Summary for ").append(id).append(colors.end()).append('\n');
    out.append(summaryColor).append("------------").append(colors.end()).append('\n');
    List<String> notes = new ArrayList<>();
    if (unchanged > 0) {
      notes.add("unchanged=" + unchanged);
    }
    if (changed > 0) {
      notes.add("changed=" + changed);
    }
    out.append(colors.green()).append("Succeeded: ").append(succeeded)
        .append(colors.end())
        .append(notes.isEmpty() ? "" : " (" + colors.green() + String.join(", ", notes)
            + colors.end() + ")")
        .append('\n');
    out.append(failedCount > 0 ? colors.red() : colors.cyan()).append("Failed:    ")
        .append(failedCount).append(colors.end()).append('\n');
    out.append(summaryColor).append("------------").append(colors.end()).append('\n');
    out.append(summaryColor).append("Total states run:     ").append(states.size())
        .append(colors.end()).append('\n');
    out.append(summaryColor).append("Total run time: ").append(runTime(totalMs))
        .append(colors.end()).append('\n');
    return out.toString();
  }

  private String full(String tag, JsonNode ret, JsonNode result, boolean hasChanges) {
    String color = color(result);
    String[] parts = tag.split("_\\|-", 4);
    String function = parts.length == 4 ? parts[0] + "." + parts[3] : tag;
    String stateId = ret.path("__id__").asText(parts.length == 4 ? parts[1] : tag);
    String name = ret.path("name").asText(stateId);
    StringBuilder out = new StringBuilder();
    out.append(color).append("----------").append(colors.end()).append('\n');
    out.append(color).append("          ID: ").append(stateId).append(colors.end()).append('\n');
    out.append(color).append("    Function: ").append(function).append(colors.end()).append('\n');
    if (!name.equals(stateId)) {
      out.append(color).append("        Name: ").append(name).append(colors.end()).append('\n');
    }
    out.append(color).append("      Result: ").append(python(result)).append(colors.end())
        .append('\n');
    String[] comment = ret.path("comment").asText("").split("\r?\n", -1);
    out.append(color).append("     Comment: ").append(comment[0]).append(colors.end())
        .append('\n');
    for (int i = 1; i < comment.length; i++) {
      out.append(color).append("              ").append(comment[i]).append(colors.end())
          .append('\n');
    }
    if (ret.has("start_time")) {
      out.append(color).append("     Started: ").append(ret.path("start_time").asText())
          .append(colors.end()).append('\n');
    }
    if (ret.has("duration")) {
      out.append(color).append("    Duration: ").append(ms(ret.path("duration").asDouble()))
          .append(" ms").append(colors.end()).append('\n');
    }
    out.append(color).append("     Changes:   ").append(colors.end()).append('\n');
    if (hasChanges) {
      out.append(Nested.block(ret.get("changes"), 14, colors));
    }
    return out.toString();
  }

  private String terse(String tag, JsonNode ret, JsonNode result, boolean hasChanges) {
    String[] parts = tag.split("_\\|-", 4);
    String function = parts.length == 4 ? parts[0] + "." + parts[3] : tag;
    String outcome = isFalse(result) ? "Failed" : result == null || result.isNull()
        ? "Differs" : hasChanges ? "Changed" : "Clean";
    return color(result) + "  Name: " + ret.path("name").asText("") + " - Function: " + function
        + " - Result: " + outcome + " Started: - " + ret.path("start_time").asText("")
        + " Duration: " + ms(ret.path("duration").asDouble()) + " ms" + colors.end() + "\n";
  }

  private static String tagOf(JsonNode run, JsonNode ret) {
    for (Map.Entry<String, JsonNode> e : run.properties()) {
      if (e.getValue() == ret) {
        return e.getKey();
      }
    }
    return "";
  }

  private String color(JsonNode result) {
    if (isFalse(result)) {
      return colors.red();
    }
    return result == null || result.isNull() ? colors.lightYellow() : colors.green();
  }

  private static boolean isFalse(JsonNode result) {
    return result != null && result.isBoolean() && !result.asBoolean();
  }

  private static boolean allText(JsonNode list) {
    for (JsonNode item : list) {
      if (!item.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static String python(JsonNode result) {
    if (result == null || result.isNull()) {
      return "None";
    }
    return result.asBoolean() ? "True" : "False";
  }

  private static String ms(double value) {
    String text = String.format(Locale.ROOT, "%.3f", value);
    return text.replaceFirst("\\.?0+$", "");
  }

  /** Salt's total: milliseconds up to a second, then seconds. */
  private static String runTime(double ms) {
    return ms < 1000
        ? String.format(Locale.ROOT, "%7.3f ms", ms)
        : String.format(Locale.ROOT, "%7.3f s", ms / 1000);
  }
}
