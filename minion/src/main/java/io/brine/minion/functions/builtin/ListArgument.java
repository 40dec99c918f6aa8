package io.brine.minion.functions.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.minion.functions.FunctionException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list argument as Salt takes it: a JSON list (what {@code pkgs='["a","b"]'} becomes), the same
 * as a string, or, where Salt allows it ({@code groups=wheel,adm}), comma-separated text.
 */
public final class ListArgument {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ListArgument() {}

  public static List<Object> of(String function, String name, Object value, boolean commas)
      throws FunctionException {
    if (value instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    if (value instanceof String text) {
      String s = text.strip();
      if (s.startsWith("[")) {
        try {
          List<?> parsed = JSON.readValue(s, List.class);
          return new ArrayList<>(parsed);
        } catch (JsonProcessingException e) {
          throw new FunctionException(function + ": '" + name + "' is not a valid JSON list");
        }
      }
      if (commas) {
        List<Object> items = new ArrayList<>();
        for (String part : s.split(",")) {
          if (!part.isBlank()) {
            items.add(part.strip());
          }
        }
        return items;
      }
    }
    throw new FunctionException(
        function + ": '" + name + "' must be a list" + (commas ? " or comma-separated text" : ""));
  }
}
