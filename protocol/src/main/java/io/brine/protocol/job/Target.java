package io.brine.protocol.job;

import io.brine.protocol.IdGlob;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Which minions a job is for, Salt's {@code tgt} and {@code tgt_type} on minion ids: {@code glob}
 * (the default, fnmatch as salt-key), {@code list} (comma-separated ids) or {@code pcre} (a Java
 * regular expression matched from the start of the id, as Python's {@code re.match} that Salt
 * uses). The master resolves it against the accepted keys; each minion checks it again against its
 * own id before it runs anything (defence in depth: a publication that reaches the wrong minion
 * does nothing). Immutable.
 */
public final class Target {
  /** Longer expressions are refused: no real target needs them and regexes cost CPU. */
  public static final int MAX_EXPRESSION_LENGTH = 4096;

  /** Salt's {@code tgt_type} values brine supports. */
  public enum Type {
    GLOB,
    LIST,
    PCRE;

    /** The name on the wire and on the command line: glob, list, pcre. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Type type;
  private final String expression;
  private final Predicate<String> matcher;

  private Target(Type type, String expression, Predicate<String> matcher) {
    this.type = type;
    this.expression = expression;
    this.matcher = matcher;
  }

  /**
   * @param type glob, list or pcre
   * @throws ProtocolException for an unknown type, an empty or over-long expression, or a regex
   *     that does not compile
   */
  public static Target of(String type, String expression) throws ProtocolException {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(expression, "expression");
    if (expression.isEmpty() || expression.length() > MAX_EXPRESSION_LENGTH) {
      throw new ProtocolException(
          "target must be 1 to " + MAX_EXPRESSION_LENGTH + " characters long");
    }
    return switch (type) {
      case "glob" -> glob(expression);
      case "list" -> list(expression);
      case "pcre" -> pcre(expression);
      default ->
          throw new ProtocolException(
              "unknown target type '" + type + "' (glob, list or pcre)");
    };
  }

  public static Target glob(String glob) {
    IdGlob compiled = IdGlob.of(glob);
    return new Target(Type.GLOB, glob, compiled::matches);
  }

  /** {@code web1,web2}: exact ids; blanks around commas are ignored, empty entries skipped. */
  public static Target list(String ids) {
    Set<String> set =
        Arrays.stream(ids.split(",", -1))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    return new Target(Type.LIST, ids, set::contains);
  }

  public static Target pcre(String regex) throws ProtocolException {
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ProtocolException(
          "target is not a valid regular expression: " + e.getDescription());
    }
    return new Target(Type.PCRE, regex, id -> pattern.matcher(id).lookingAt());
  }

  public boolean matches(MinionId id) {
    return matcher.test(id.value());
  }

  public Type type() {
    return type;
  }

  public String expression() {
    return expression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Target t && t.type == type && t.expression.equals(expression);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, expression);
  }

  @Override
  public String toString() {
    return type.wireName() + ":" + expression;
  }
}
