package io.brine.vault.policy;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.policy.SyntaxNode.Entry;
import io.brine.vault.policy.SyntaxNode.ListValue;
import io.brine.vault.policy.SyntaxNode.ObjectValue;
import io.brine.vault.policy.SyntaxNode.Position;
import io.brine.vault.policy.SyntaxNode.Str;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses OpenBao ACL policies, in HCL or in JSON (a text whose first non-blank character is
 * {@code {} is JSON, as OpenBao decides). The forms read:
 *
 * <pre>
 *   path "secret/*" { capabilities = ["read", "list"] }
 *   {"path": {"secret/*": {"capabilities": ["read", "list"]}}}
 *   {"path": [{"secret/*": {"capabilities": ["read", "list"]}}]}
 * </pre>
 *
 * <p>A path block may hold {@code capabilities}; {@code allowed_parameters} and {@code
 * denied_parameters} (objects of name to a list of values; a number or boolean value stands for its
 * text, so OpenBao's {@code [false, "false"]} works; {@code "*"} takes only {@code []}); {@code
 * required_parameters}; brine's {@code allowed_minions} (a non-empty list of minion id globs); an
 * RFC 3339 {@code expiration}, after which the rule grants nothing; and {@code comment}, which is
 * ignored. The legacy {@code policy = "read"} form is mapped as OpenBao maps it: {@code deny} to
 * deny, {@code read} to read and list, {@code write} to create, read, update, delete and list,
 * {@code sudo} to those and sudo. A top-level {@code name} is accepted and ignored, as in OpenBao.
 * The same pattern may appear in several blocks; the ACL merges them like the same pattern in
 * several policies.
 *
 * <p>Refused with one line (400): OpenBao options brine cannot honour ({@code min_wrapping_ttl},
 * {@code max_wrapping_ttl}: brine has no response wrapping; {@code mfa_methods}, {@code
 * control_group}, {@code pagination_limit}, {@code list_scan_response_keys_filter_path}) and identity
 * templates in patterns, since ignoring any of them would grant more than the author meant; unknown
 * keys and capabilities; a value of the wrong kind; a key given twice in one object; text over
 * {@link #MAX_TEXT_BYTES} or nested deeper than {@link #MAX_NESTING}. Syntax errors and most others
 * say "line L, column C".
 */
public final class PolicyParser {
  /** The longest policy text: 64 KiB of UTF-8. */
  public static final int MAX_TEXT_BYTES = 64 * 1024;

  /** The deepest nesting of objects and lists; a policy needs five. */
  public static final int MAX_NESTING = 10;

  /** The longest policy name. */
  public static final int MAX_NAME_CHARS = 128;

  private static final int MAX_MINION_GLOB_CHARS = 255;

  private PolicyParser() {}

  /**
   * Parses {@code text} as the policy {@code name} (checked and lower-cased by {@link #checkName}).
   */
  public static Policy parse(String name, String text) throws InvalidRequestException {
    String canonical = checkName(name);
    if (text == null) {
      throw new InvalidRequestException("policy text is missing");
    }
    if (text.length() > MAX_TEXT_BYTES
        || text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
      throw new InvalidRequestException(
          "policy text is larger than " + MAX_TEXT_BYTES / 1024 + " KiB");
    }
    try {
      ObjectValue document = isJson(text) ? JsonReader.read(text) : HclReader.read(text);
      return new Policy(canonical, text, rules(document), 0, null);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("failed to parse policy: " + e.getMessage());
    }
  }

  /**
   * Checks a policy name and returns it as stored: trimmed and lower-cased, as OpenBao normalizes
   * names. A name is 1 to {@value #MAX_NAME_CHARS} characters of {@code [a-zA-Z0-9_.-]}, without
   * {@code ..} (so no name can climb out of {@code sys/policy/}).
   */
  public static String checkName(String name) throws InvalidRequestException {
    if (name == null) {
      throw new InvalidRequestException("policy name is missing");
    }
    String n = name.strip();
    if (n.isEmpty()) {
      throw new InvalidRequestException("policy name is empty");
    }
    if (n.length() > MAX_NAME_CHARS) {
      throw new InvalidRequestException(
          "policy name is longer than " + MAX_NAME_CHARS + " characters");
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c == '/') {
        throw new InvalidRequestException(
            "policy name " + QuotedText.of(n) + " must not contain '/'");
      }
      if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '_'
          || c == '.'
          || c == '-')) {
        throw new InvalidRequestException(
            "policy name "
                + QuotedText.of(n)
                + " has a character outside [a-zA-Z0-9_.-] at position "
                + i);
      }
    }
    if (n.contains("..") || n.equals(".")) {
      throw new InvalidRequestException(
          "policy name " + QuotedText.of(n) + " must not be '.' or contain '..'");
    }
    return n.toLowerCase(Locale.ROOT);
  }

  private static boolean isJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c) && c != '\uFEFF') {
        return c == '{';
      }
    }
    return false;
  }

  private static List<PathRule> rules(ObjectValue document) throws InvalidRequestException {
    List<PathRule> rules = new ArrayList<>();
    Map<String, Position> seen = new HashMap<>();
    for (Entry entry : document.entries()) {
      String key = entry.keys().get(0);
      if (entry.keys().size() == 1) {
        Position earlier = seen.putIfAbsent(key, entry.position());
        if (earlier != null) {
          throw duplicate(entry, key, earlier);
        }
      }
      switch (key) {
        case "path":
          if (entry.keys().size() == 2) {
            rules.add(rule(entry.keys().get(1), entry.position(), entry.value()));
          } else if (entry.keys().size() == 1) {
            pathTable(entry.value(), rules);
          } else {
            throw new InvalidRequestException(
                entry.position()
                    + ": a path block takes one pattern, as path \"secret/*\" { ... }");
          }
          break;
        case "name":
          single(entry);
          string(entry.value(), "name");
          break;
        default:
          throw new InvalidRequestException(
              entry.position()
                  + ": unknown key "
                  + QuotedText.of(key)
                  + " (a policy holds path blocks)");
      }
    }
    return rules;
  }

  /** {@code path = { "a" = {...} }} in HCL, or JSON's object or list of objects. */
  private static void pathTable(SyntaxNode value, List<PathRule> rules)
      throws InvalidRequestException {
    if (value instanceof ListValue) {
      for (SyntaxNode item : ((ListValue) value).items()) {
        pathTable(expectObject(item, "path"), rules);
      }
      return;
    }
    ObjectValue table = expectObject(value, "path");
    Map<String, Position> seen = new HashMap<>();
    for (Entry entry : table.entries()) {
      single(entry);
      String pattern = entry.keys().get(0);
      Position earlier = seen.putIfAbsent(pattern, entry.position());
      if (earlier != null) {
        throw duplicate(entry, pattern, earlier);
      }
      rules.add(rule(pattern, entry.position(), entry.value()));
    }
  }

  private static PathRule rule(String pattern, Position at, SyntaxNode value)
      throws InvalidRequestException {
    PathPattern compiled;
    try {
      compiled = PathPattern.compile(pattern);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(at + ": " + e.getMessage());
    }
    String where = "path " + QuotedText.of(compiled.pattern());
    ObjectValue body = expectObject(value, where);
    Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
    Map<String, List<String>> allowed = Map.of();
    Map<String, List<String>> denied = Map.of();
    List<String> required = List.of();
    List<String> minions = List.of();
    Instant expiration = null;
    Map<String, Position> seen = new HashMap<>();
    for (Entry entry : body.entries()) {
      single(entry);
      String key = entry.keys().get(0);
      Position earlier = seen.putIfAbsent(key, entry.position());
      if (earlier != null) {
        throw duplicate(entry, key, earlier);
      }
      SyntaxNode v = entry.value();
      String what = where + ": " + key;
      switch (key) {
        case "capabilities":
          for (Str name : strings(v, what)) {
            try {
              capabilities.add(Capability.parse(name.value()));
            } catch (InvalidRequestException e) {
              throw new InvalidRequestException(
                  name.position() + ": " + where + ": " + e.getMessage());
            }
          }
          break;
        case "policy":
          capabilities.addAll(legacy(string(v, what)));
          break;
        case "allowed_parameters":
          allowed = parameters(v, what);
          break;
        case "denied_parameters":
          denied = parameters(v, what);
          break;
        case "required_parameters":
          required = texts(strings(v, what));
          break;
        case "allowed_minions":
          minions = minionGlobs(v, what);
          break;
        case "expiration":
          expiration = instant(string(v, what));
          break;
        case "comment":
          string(v, what);
          break;
        case "min_wrapping_ttl":
        case "max_wrapping_ttl":
          throw new InvalidRequestException(
              entry.position() + ": " + what + " is not supported: brine has no response wrapping");
        case "mfa_methods":
        case "control_group":
        case "pagination_limit":
        case "list_scan_response_keys_filter_path":
          throw new InvalidRequestException(
              entry.position() + ": " + what + " is an OpenBao option brine does not support");
        default:
          throw new InvalidRequestException(
              entry.position()
                  + ": "
                  + where
                  + ": unknown key "
                  + QuotedText.of(key)
                  + " (capabilities, allowed_parameters, denied_parameters,"
                  + " required_parameters, allowed_minions, expiration, comment, policy)");
      }
    }
    return new PathRule(compiled, capabilities, allowed, denied, required, minions, expiration);
  }

  private static Set<Capability> legacy(Str policy) throws InvalidRequestException {
    switch (policy.value()) {
      case "deny":
        return EnumSet.of(Capability.DENY);
      case "read":
        return EnumSet.of(Capability.READ, Capability.LIST);
      case "write":
        return EnumSet.of(
            Capability.CREATE,
            Capability.READ,
            Capability.UPDATE,
            Capability.DELETE,
            Capability.LIST);
      case "sudo":
        return EnumSet.of(
            Capability.CREATE,
            Capability.READ,
            Capability.UPDATE,
            Capability.DELETE,
            Capability.LIST,
            Capability.SUDO);
      default:
        throw new InvalidRequestException(
            policy.position()
                + ": invalid policy "
                + QuotedText.of(policy.value())
                + " (one of deny, read, write, sudo)");
    }
  }

  private static Map<String, List<String>> parameters(SyntaxNode value, String what)
      throws InvalidRequestException {
    ObjectValue table = expectObject(value, what);
    Map<String, List<String>> out = new LinkedHashMap<>();
    Map<String, Position> seen = new HashMap<>();
    for (Entry entry : table.entries()) {
      single(entry);
      // OpenBao keeps parameter names in lower case and looks requests up the same way.
      String name = entry.keys().get(0).toLowerCase(Locale.ROOT);
      Position earlier = seen.putIfAbsent(name, entry.position());
      if (earlier != null) {
        throw duplicate(entry, name, earlier);
      }
      ListValue list = expectList(entry.value(), what + " " + QuotedText.of(name));
      List<String> values = new ArrayList<>();
      for (SyntaxNode item : list.items()) {
        values.add(scalar(item, what + " " + QuotedText.of(name)));
      }
      if (name.equals("*") && !values.isEmpty()) {
        throw new InvalidRequestException(
            entry.position() + ": " + what + " \"*\" takes only [] (any other parameter)");
      }
      out.put(name, values);
    }
    return out;
  }

  private static List<String> minionGlobs(SyntaxNode value, String what)
      throws InvalidRequestException {
    List<Str> globs = strings(value, what);
    if (globs.isEmpty()) {
      throw new InvalidRequestException(
          value.position() + ": " + what + " lists no minion; leave it out to allow any minion");
    }
    List<String> out = new ArrayList<>();
    for (Str glob : globs) {
      String g = glob.value();
      boolean control = g.chars().anyMatch(Character::isISOControl);
      if (g.isEmpty() || g.length() > MAX_MINION_GLOB_CHARS || control) {
        throw new InvalidRequestException(
            glob.position()
                + ": "
                + what
                + ": a minion glob is 1 to "
                + MAX_MINION_GLOB_CHARS
                + " characters without control characters");
      }
      out.add(g);
    }
    return out;
  }

  private static Instant instant(Str text) throws InvalidRequestException {
    try {
      return OffsetDateTime.parse(text.value()).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          text.position()
              + ": expiration "
              + QuotedText.of(text.value())
              + " is not an RFC 3339 time such as 2030-01-31T12:00:00Z");
    }
  }

  private static String scalar(SyntaxNode node, String what) throws InvalidRequestException {
    if (node instanceof Str) {
      return ((Str) node).value();
    }
    if (node instanceof SyntaxNode.Num) {
      return ((SyntaxNode.Num) node).text();
    }
    if (node instanceof SyntaxNode.Bool) {
      return String.valueOf(((SyntaxNode.Bool) node).value());
    }
    throw wrongKind(node, what, "a string");
  }

  private static List<Str> strings(SyntaxNode value, String what) throws InvalidRequestException {
    ListValue list = expectList(value, what);
    List<Str> out = new ArrayList<>();
    for (SyntaxNode item : list.items()) {
      out.add(string(item, what));
    }
    return out;
  }

  private static List<String> texts(List<Str> strings) {
    List<String> out = new ArrayList<>();
    for (Str s : strings) {
      out.add(s.value());
    }
    return out;
  }

  private static Str string(SyntaxNode node, String what) throws InvalidRequestException {
    if (node instanceof Str) {
      return (Str) node;
    }
    throw wrongKind(node, what, "a string");
  }

  private static ListValue expectList(SyntaxNode node, String what) throws InvalidRequestException {
    if (node instanceof ListValue) {
      return (ListValue) node;
    }
    throw wrongKind(node, what, "a list");
  }

  private static ObjectValue expectObject(SyntaxNode node, String what)
      throws InvalidRequestException {
    if (node instanceof ObjectValue) {
      return (ObjectValue) node;
    }
    throw wrongKind(node, what, "an object");
  }

  private static InvalidRequestException wrongKind(SyntaxNode node, String what, String expected) {
    return new InvalidRequestException(
        node.position() + ": " + what + ": expected " + expected + ", found " + node.kind());
  }

  private static void single(Entry entry) throws InvalidRequestException {
    if (entry.keys().size() != 1) {
      throw new InvalidRequestException(
          entry.position()
              + ": unexpected label "
              + QuotedText.of(entry.keys().get(1))
              + " after "
              + QuotedText.of(entry.keys().get(0)));
    }
  }

  private static InvalidRequestException duplicate(Entry entry, String key, Position earlier) {
    return new InvalidRequestException(
        entry.position()
            + ": "
            + QuotedText.of(key)
            + " is given twice (first at "
            + earlier
            + ")");
  }
}
