package io.brine.minion.states.cmd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.minion.states.StateResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Salt's {@code stateful: True} ({@code _reinterpreted_state}): the command says itself whether it
 * changed something, with its whole stdout a JSON object or its last stdout line {@code
 * changed=yes comment='...' key=value}. Not changed: no changes, only the comment. Changed: the
 * command's own keys, with cmd.run_all's pid, retcode and stderr, and stdout without that line.
 */
final class Stateful {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Stateful() {}

  static StateResult reinterpret(StateResult ran) {
    Map<String, Object> ret = ran.changes();
    String out = ret.get("stdout") == null ? "" : String.valueOf(ret.get("stdout"));
    if (out.isEmpty()) {
      Object stderr = ret.get("stderr");
      String comment = stderr == null ? "" : String.valueOf(stderr);
      return new StateResult(ran.result(), comment, Map.of());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    boolean json = false;
    int lastLine = -1;
    Object parsed = json(out);
    if (parsed instanceof Map<?, ?> m) {
      json = true;
      m.forEach((k, v) -> data.put(String.valueOf(k), v));
    } else if (parsed != null) {
      return new StateResult(false, "script JSON output must be a JSON object (e.g., {})!",
          Map.of());
    } else {
      lastLine = out.stripTrailing().lastIndexOf('\n');
      String line = lastLine == -1 ? out : out.substring(lastLine + 1);
      List<String> words = words(line);
      for (String item : words == null ? List.of("unclosed quote") : words) {
        String[] kv = item.split("=", -1);
        if (kv.length != 2) {
          return new StateResult(false, "Failed parsing script output! Stdout must be JSON or a"
              + " line of name=value pairs.", ret);
        }
        data.put(kv[0], kv[1]);
      }
    }
    boolean changed = isTrue(data.getOrDefault("changed", "no"));
    String comment = data.containsKey("comment") ? String.valueOf(data.remove("comment")) : "";
    if (!changed) {
      return new StateResult(ran.result(), comment, Map.of());
    }
    ret.forEach(data::putIfAbsent);
    data.put("stdout", json ? "" : lastLine == -1 ? "" : out.substring(0, lastLine));
    return new StateResult(ran.result(), comment, data);
  }

  private static Object json(String out) {
    try {
      return JSON.readValue(out, Object.class);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /**
   * The line split into words as Python's shlex.split does (quotes group and are removed, a
   * backslash escapes outside single quotes); null for an unclosed quote.
   */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < line.length() && "\"\\".indexOf(line.charAt(i + 1)) >= 0) {
          word.append(line.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        if (word == null) {
          word = new StringBuilder();
        }
        if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\\' && i + 1 < line.length()) {
          word.append(line.charAt(++i));
        } else {
          word.append(c);
        }
      }
    }
    if (quote != 0) {
      return null;
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  /** Salt's {@code _is_true}: true, yes and 1, in any case. */
  private static boolean isTrue(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n.intValue() != 0;
    }
    return List.of("true", "yes", "1").contains(String.valueOf(value).toLowerCase(Locale.ROOT));
  }
}
