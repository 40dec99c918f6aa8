package io.brine.vault.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenBao's parameter rules for one request against one merged {@link Grant}, in its order:
 * required parameters must be present; a request without parameters then passes; a denied {@code
 * "*"} refuses any parameter, a denied name refuses any of the listed values (any value when the
 * list is empty); then, if there are allowed parameters, each request parameter must be listed (or
 * {@code "*"} be) and each of its values match the list (any value when the list is empty).
 *
 * <p>Names are looked up in lower case, as OpenBao does. A parameter with several values passes the
 * allowed list only if every value does, and is refused by the denied list if any value is; one
 * with no values passes only an empty (any value) allowed list. Values match OpenBao's globs:
 * {@code *} at the start, at the end, or both, and otherwise exactly.
 */
final class ParameterCheck {
  /** The only parameter whose value a refusal may show: a Salt function name is not a secret. */
  private static final String SHOWN_VALUE = "fun";

  private ParameterCheck() {}

  /** Why the request is refused ("require parameter ..."), or null when it passes. */
  static String refusal(Grant grant, Map<String, List<String>> parameters) {
    for (String required : grant.requiredParameters()) {
      if (!parameters.containsKey(required.toLowerCase(Locale.ROOT))) {
        return "require parameter " + QuotedText.of(required);
      }
    }
    if (parameters.isEmpty()) {
      return null;
    }
    Map<String, List<String>> denied = grant.deniedParameters();
    if (!denied.isEmpty()) {
      if (denied.containsKey("*")) {
        return "deny parameter " + QuotedText.of(parameters.keySet().iterator().next());
      }
      for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
        List<String> globs = denied.get(p.getKey().toLowerCase(Locale.ROOT));
        if (globs == null) {
          continue;
        }
        if (globs.isEmpty()) {
          return "deny parameter " + QuotedText.of(p.getKey());
        }
        for (String value : values(p)) {
          if (matchesAny(globs, value)) {
            return "deny parameter " + describe(p.getKey(), value);
          }
        }
      }
    }
    Map<String, List<String>> allowed = grant.allowedParameters();
    if (allowed.isEmpty()) {
      return null;
    }
    boolean allowedAll = allowed.containsKey("*");
    if (allowedAll && allowed.size() == 1) {
      return null;
    }
    for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
      List<String> globs = allowed.get(p.getKey().toLowerCase(Locale.ROOT));
      if (globs == null) {
        if (!allowedAll) {
          return "do not allow parameter " + QuotedText.of(p.getKey());
        }
        continue;
      }
      if (globs.isEmpty()) {
        continue;
      }
      List<String> values = values(p);
      if (values.isEmpty()) {
        return "do not allow parameter " + QuotedText.of(p.getKey()) + " without a value";
      }
      for (String value : values) {
        if (!matchesAny(globs, value)) {
          return "do not allow parameter " + describe(p.getKey(), value);
        }
      }
    }
    return null;
  }

  private static List<String> values(Map.Entry<String, List<String>> parameter) {
    return parameter.getValue() == null ? List.of() : parameter.getValue();
  }

  private static String describe(String name, String value) {
    if (name.equals(SHOWN_VALUE)) {
      return QuotedText.of(name) + " value " + QuotedText.of(value);
    }
    return QuotedText.of(name) + " with that value";
  }

  private static boolean matchesAny(List<String> globs, String value) {
    for (String glob : globs) {
      if (value != null && globMatches(glob, value)) {
        return true;
      }
    }
    return false;
  }

  /** OpenBao's {@code strutil.GlobbedStringsMatch}. */
  static boolean globMatches(String glob, String value) {
    if (glob.length() < 2) {
      return value.equals(glob);
    }
    boolean leading = glob.startsWith("*");
    boolean trailing = glob.endsWith("*");
    if (leading && trailing) {
      return value.contains(glob.substring(1, glob.length() - 1));
    }
    if (leading) {
      return value.endsWith(glob.substring(1));
    }
    if (trailing) {
      return value.startsWith(glob.substring(0, glob.length() - 1));
    }
    return value.equals(glob);
  }
}
