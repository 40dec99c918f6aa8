package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.CliException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The function arguments of {@code brine run}, split as Salt splits them: {@code key=value} where
 * the key is an identifier is a keyword argument (so {@code 'echo a=b'} stays positional), the rest
 * are positional. Values stay strings, except one that starts with {@code {} or {@code [}, which is
 * read as JSON (for {@code env='{"LANG":"C"}'}). Salt reads every argument as YAML, which turns
 * {@code 'echo a: b'} into a map; brine does not guess.
 */
record Arguments(List<Object> positional, Map<String, Object> keywords) {
  /** Salt's keyword pattern: an identifier, '=', and a value that does not start with '='. */
  private static final Pattern KEYWORD = Pattern.compile("^([A-Za-z_][\\w.-]*)=(?!=)(.*)$",
      Pattern.DOTALL);

  private static final ObjectMapper JSON = new ObjectMapper();

  static Arguments parse(List<String> args) {
    List<Object> positional = new ArrayList<>();
    Map<String, Object> keywords = new LinkedHashMap<>();
    for (String arg : args) {
      Matcher m = KEYWORD.matcher(arg);
      if (m.matches()) {
        keywords.put(m.group(1), value(m.group(2)));
      } else {
        positional.add(value(arg));
      }
    }
    return new Arguments(positional, keywords);
  }

  private static Object value(String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
      return text;
    }
    try {
      JsonNode node = JSON.readTree(trimmed);
      return node;
    } catch (IOException e) {
      throw new CliException("argument " + text + " starts like JSON but is not JSON");
    }
  }
}
