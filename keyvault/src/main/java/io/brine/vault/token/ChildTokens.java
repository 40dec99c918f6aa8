package io.brine.vault.token;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.PermissionDeniedException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The checks and normalisations of {@code auth/token/create} that need no storage: policies as
 * OpenBao's {@code SanitizePolicies} makes them (trimmed, lower-cased, sorted, de-duplicated,
 * "default" added unless asked not to or the token is root) and held to the parent's, display name,
 * metadata.
 */
final class ChildTokens {
  static final int MAX_META_KEYS = 64;
  static final int MAX_META_BYTES = 512;
  static final int MAX_DISPLAY_NAME = 256;
  static final int MAX_POLICIES = 64;
  private static final int MAX_POLICY_NAME = 128;
  private static final Pattern POLICY_NAME = Pattern.compile("[a-z0-9_.-]+");
  private static final Pattern DISPLAY_NAME_SANITIZE = Pattern.compile("[^a-zA-Z0-9-]");

  private ChildTokens() {}

  /** The child's policies, or a refusal naming the first policy the parent does not hold. */
  static List<String> policies(TokenEntry parent, TokenRequest request)
      throws InvalidRequestException, PermissionDeniedException {
    List<String> asked = request.policies();
    if (asked != null && asked.size() > MAX_POLICIES) {
      throw new InvalidRequestException("a token can have at most " + MAX_POLICIES + " policies");
    }
    TreeSet<String> set = new TreeSet<>();
    for (String p : asked == null || asked.isEmpty() ? parent.policies() : asked) {
      String name = p == null ? "" : p.strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (name.length() > MAX_POLICY_NAME || !POLICY_NAME.matcher(name).matches()) {
        throw new InvalidRequestException(
            "a policy name may only contain letters, digits, '_', '.' and '-' (at most "
                + MAX_POLICY_NAME
                + " characters)");
      }
      set.add(name);
    }
    if (set.contains("root") && !parent.isRoot()) {
      throw new PermissionDeniedException(
          "root tokens may not be created without parent token being root");
    }
    if (!parent.isRoot()) {
      for (String p : set) {
        if (!p.equals("default") && !parent.policies().contains(p)) {
          throw new PermissionDeniedException(
              "child policies must be subset of parent: the parent token does not have policy \""
                  + p
                  + "\"");
        }
      }
    }
    if (request.noDefaultPolicy()) {
      set.remove("default");
    } else if (!set.contains("root")) {
      set.add("default");
    }
    return List.copyOf(set);
  }

  /** "token", or "token-" + the name with every character outside [a-zA-Z0-9-] made '-'. */
  static String displayName(String asked) throws InvalidRequestException {
    if (asked == null || asked.isEmpty()) {
      return "token";
    }
    if (asked.length() > MAX_DISPLAY_NAME) {
      throw new InvalidRequestException(
          "display_name is longer than " + MAX_DISPLAY_NAME + " characters");
    }
    String full = DISPLAY_NAME_SANITIZE.matcher("token-" + asked).replaceAll("-");
    return full.endsWith("-") ? full.substring(0, full.length() - 1) : full;
  }

  static Map<String, String> meta(Map<String, String> asked) throws InvalidRequestException {
    if (asked == null) {
      return Map.of();
    }
    if (asked.size() > MAX_META_KEYS) {
      throw new InvalidRequestException("meta can have at most " + MAX_META_KEYS + " keys");
    }
    TreeMap<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : asked.entrySet()) {
      String key = e.getKey();
      String value = e.getValue() == null ? "" : e.getValue();
      if (key == null || key.isEmpty()) {
        throw new InvalidRequestException("meta keys cannot be empty");
      }
      if (utf8Length(key) > MAX_META_BYTES || utf8Length(value) > MAX_META_BYTES) {
        throw new InvalidRequestException(
            "meta keys and values can be at most " + MAX_META_BYTES + " bytes each");
      }
      out.put(key, value);
    }
    return out;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
