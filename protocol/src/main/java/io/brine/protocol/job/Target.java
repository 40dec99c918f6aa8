package io.brine.protocol.job;

import io.brine.protocol.IdGlob;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Which minions a job is for, Salt's {@code tgt}, {@code tgt_type} and {@code delimiter}:
 *
 * <ul>
 *   <li>{@code glob} (the default, fnmatch as salt-key), {@code list} (comma-separated ids),
 *       {@code pcre} (a regular expression matched from the start of the id, as Python's {@code
 *       re.match} that Salt uses): the id alone.
 *   <li>{@code grain} ({@code os:Debian}, a glob in the value, nested keys by the delimiter) and
 *       {@code grain_pcre}: the minion's grains ({@link GrainMatch}).
 *   <li>{@code ipcidr}: an address or network against the {@code ipv4}/{@code ipv6} grains.
 *   <li>{@code compound}: any of those joined by and/or/not ({@link CompoundParser}).
 * </ul>
 *
 * Salt's {@code nodegroup} is not here: the master expands it into the compound expression it
 * publishes, since minions do not know nodegroups. The master resolves a target against the
 * accepted keys and the grains it holds; each minion checks it again against its own id and grains
 * before it runs anything (a publication that reaches the wrong minion does nothing). A target that
 * needs no grains never asks for them ({@link #needsGrains}). Immutable.
 */
public final class Target {
  /** Longer expressions are refused: no real target needs them and regexes cost CPU. */
  public static final int MAX_EXPRESSION_LENGTH = 4096;

  /** Salt's default delimiter of grain keys. */
  public static final String DEFAULT_DELIMITER = ":";

  private static final int MAX_DELIMITER_LENGTH = 8;

  /** Salt's {@code tgt_type} values brine publishes. */
  public enum Type {
    GLOB,
    LIST,
    PCRE,
    GRAIN,
    GRAIN_PCRE,
    COMPOUND,
    IPCIDR,
    PILLAR,
    PILLAR_PCRE;

    /** The name on the wire and in the API: glob, list, pcre, grain, grain_pcre, ... */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The names {@link #of} takes, for messages. */
  public static final String TYPE_NAMES =
      "glob, pcre, list, grain, grain_pcre, pillar, pillar_pcre, compound, ipcidr";

  private final Type type;
  private final String expression;
  private final String delimiter;
  private final Term term;

  private Target(Type type, String expression, String delimiter, Term term) {
    this.type = type;
    this.expression = expression;
    this.delimiter = delimiter;
    this.term = term;
  }

  /**
   * @param type one of {@link #TYPE_NAMES}
   * @throws ProtocolException for an unknown type, an empty or over-long expression, a regex that
   *     does not compile, a malformed compound expression
   */
  public static Target of(String type, String expression) throws ProtocolException {
    return of(type, expression, DEFAULT_DELIMITER);
  }

  /**
   * As {@link #of(String, String)}, grain keys split by {@code delimiter} (Salt's {@code
   * delimiter}; it matters to grain, grain_pcre and the G@/P@ words of a compound).
   */
  public static Target of(String type, String expression, String delimiter)
      throws ProtocolException {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(delimiter, "delimiter");
    if (expression.isEmpty() || expression.length() > MAX_EXPRESSION_LENGTH) {
      throw new ProtocolException(
          "target must be 1 to " + MAX_EXPRESSION_LENGTH + " characters long");
    }
    if (delimiter.isEmpty()
        || delimiter.length() > MAX_DELIMITER_LENGTH
        || !delimiter.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '@')) {
      throw new ProtocolException(
          "delimiter must be 1 to "
              + MAX_DELIMITER_LENGTH
              + " printable ASCII characters, without '@' or blanks");
    }
    return switch (type) {
      case "glob" -> glob(expression);
      case "list" -> list(expression);
      case "pcre" -> pcre(expression);
      case "grain" ->
          new Target(
              Type.GRAIN,
              expression,
              delimiter,
              new Term.Grain(GrainMatch.of(expression, delimiter, false)));
      case "grain_pcre" ->
          new Target(
              Type.GRAIN_PCRE,
              expression,
              delimiter,
              new Term.Grain(GrainMatch.of(expression, delimiter, true)));
      case "pillar" ->
          new Target(
              Type.PILLAR,
              expression,
              delimiter,
              new Term.Pillar(GrainMatch.of(expression, delimiter, false)));
      case "pillar_pcre" ->
          new Target(
              Type.PILLAR_PCRE,
              expression,
              delimiter,
              new Term.Pillar(GrainMatch.of(expression, delimiter, true)));
      case "ipcidr" ->
          new Target(Type.IPCIDR, expression, delimiter, new Term.Ip(IpMatch.of(expression)));
      case "compound" ->
          new Target(
              Type.COMPOUND, expression, delimiter, CompoundParser.parse(expression, delimiter));
      case "nodegroup" ->
          throw new ProtocolException(
              "a nodegroup is expanded by the master into a compound target; it is never"
                  + " published as one");
      default ->
          throw new ProtocolException(
              "unknown target type '" + type + "' (" + TYPE_NAMES + ", nodegroup)");
    };
  }

  public static Target glob(String glob) {
    return new Target(Type.GLOB, glob, DEFAULT_DELIMITER, new Term.Glob(IdGlob.of(glob)));
  }

  /** {@code web1,web2}: exact ids; blanks around commas are ignored, empty entries skipped. */
  public static Target list(String ids) {
    return new Target(Type.LIST, ids, DEFAULT_DELIMITER, idList(ids));
  }

  public static Target pcre(String regex) throws ProtocolException {
    return new Target(Type.PCRE, regex, DEFAULT_DELIMITER, idRegex(regex));
  }

  static Term idList(String ids) {
    Set<String> set =
        Arrays.stream(ids.split(",", -1))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    return new Term.IdList(set);
  }

  static Term idRegex(String regex) throws ProtocolException {
    try {
      return new Term.IdRegex(Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new ProtocolException(
          "target is not a valid regular expression: " + e.getDescription());
    }
  }

  /** Whether matching needs the minion's grains; false for id-only targets. */
  public boolean needsGrains() {
    return term.needsGrains();
  }

  /** Matches on the id alone: a grain term is false (as for a minion whose grains are unknown). */
  public boolean matches(MinionId id) {
    return matches(id, () -> null);
  }

  /**
   * @param grains the minion's grains (JSON-shaped: maps, lists, strings, numbers, booleans),
   *     asked for only when a grain term is reached; it may give null when none are known
   */
  public boolean matches(MinionId id, Supplier<Map<String, ?>> grains) {
    return term.test(id, new Term.Facts(grains));
  }

  /** Whether matching needs the minion's pillar: pillar targets, I@ and J@. */
  public boolean needsPillar() {
    return term.needsPillar();
  }

  /**
   * @param pillar the minion's pillar, asked for only when a pillar term is reached; it may give
   *     null when none is known (the term is then false, as Salt's for a minion not cached)
   */
  public boolean matches(
      MinionId id, Supplier<Map<String, ?>> grains, Supplier<Map<String, ?>> pillar) {
    return term.test(id, new Term.Facts(grains, pillar));
  }

  /**
   * Why no minion matched, for an operator: "no accepted minion has grain os matching Debian",
   * or for a target on ids "no accepted minion matches glob:web*".
   */
  public String noMatchReason() {
    if (term instanceof Term.Grain g) {
      return "no accepted minion has grain "
          + g.match().key()
          + (type == Type.GRAIN_PCRE ? " matching the regular expression " : " matching ")
          + g.match().value();
    }
    if (term instanceof Term.Pillar p) {
      return "no accepted minion has pillar "
          + p.match().key()
          + (type == Type.PILLAR_PCRE ? " matching the regular expression " : " matching ")
          + p.match().value()
          + " (in the pillar the master compiled for it last)";
    }
    if (type == Type.IPCIDR) {
      return "no accepted minion has an address in " + expression + " (grains ipv4, ipv6)";
    }
    return "no accepted minion matches " + this;
  }

  public Type type() {
    return type;
  }

  public String expression() {
    return expression;
  }

  /** Salt's {@code delimiter} of grain keys; {@link #DEFAULT_DELIMITER} unless one was given. */
  public String delimiter() {
    return delimiter;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Target t
        && t.type == type
        && t.expression.equals(expression)
        && t.delimiter.equals(delimiter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, expression, delimiter);
  }

  @Override
  public String toString() {
    return type.wireName() + ":" + expression;
  }
}
