package io.brine.protocol.job;

import io.brine.protocol.IdGlob;
import io.brine.protocol.ProtocolException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Salt's compound target ({@code -C}): words split on whitespace, each a matcher ({@code G@},
 * {@code P@}, {@code L@}, {@code E@}, {@code S@}; a bare word is an id glob) or an operator ({@code
 * and}, {@code or}, {@code not}, {@code (}, {@code )}), with Python's precedence: not binds
 * tighter than and, and tighter than or. As in Salt, a parenthesis is a word of its own. {@code
 * G} and {@code P} take Salt's alternate delimiter ({@code G|@key|value}). {@code N@} is the
 * master's to expand (minions do not know nodegroups), so it is refused here; {@code I@} and {@code
 * J@} match the pillar as G@ and P@ match grains. Bounded: at most {@value #MAX_TERMS} words and {@value #MAX_DEPTH} levels of
 * nesting; every error is one line and nothing is matched.
 */
final class CompoundParser {
  static final int MAX_TERMS = 256;
  static final int MAX_DEPTH = 16;

  private static final Pattern MATCHER = Pattern.compile("([A-Za-z])([^@\\s])?@(.*)", Pattern.DOTALL);
  private static final Set<String> OPERATORS = Set.of("and", "or", "not", "(", ")");

  private final List<String> words;
  private final String delimiter;
  private int next;

  private CompoundParser(List<String> words, String delimiter) {
    this.words = words;
    this.delimiter = delimiter;
  }

  static Term parse(String expression, String delimiter) throws ProtocolException {
    List<String> words =
        Arrays.stream(expression.strip().split("\\s+"))
            .filter(w -> !w.isEmpty())
            .collect(Collectors.toList());
    if (words.isEmpty()) {
      throw new ProtocolException("compound target is empty");
    }
    if (words.size() > MAX_TERMS) {
      throw new ProtocolException(
          "compound target has " + words.size() + " words; at most " + MAX_TERMS);
    }
    CompoundParser parser = new CompoundParser(words, delimiter);
    Term term = parser.or(0);
    if (parser.next < words.size()) {
      String word = words.get(parser.next);
      throw new ProtocolException(
          word.equals(")")
              ? "compound target has a ')' with no '(' before it"
              : "compound target needs 'and' or 'or' before '" + word + "'");
    }
    return term;
  }

  private Term or(int depth) throws ProtocolException {
    Term left = and(depth);
    while (peek("or")) {
      next++;
      left = new Term.Or(left, and(depth));
    }
    return left;
  }

  private Term and(int depth) throws ProtocolException {
    Term left = not(depth);
    while (peek("and")) {
      next++;
      left = new Term.And(left, not(depth));
    }
    return left;
  }

  private Term not(int depth) throws ProtocolException {
    if (peek("not")) {
      next++;
      return new Term.Not(not(deeper(depth)));
    }
    return primary(depth);
  }

  private Term primary(int depth) throws ProtocolException {
    if (next >= words.size()) {
      String last = words.get(words.size() - 1);
      throw new ProtocolException(
          last.equals("(")
              ? "compound target has an unclosed '('"
              : "compound target ends after '" + last + "'; a target must follow it");
    }
    String word = words.get(next++);
    if (word.equals("(")) {
      Term inner = or(deeper(depth));
      if (next >= words.size() || !words.get(next).equals(")")) {
        throw new ProtocolException("compound target has an unclosed '('");
      }
      next++;
      return inner;
    }
    if (OPERATORS.contains(word)) {
      String before = next >= 2 ? "after '" + words.get(next - 2) + "'" : "at its start";
      throw new ProtocolException(
          "compound target has '" + word + "' " + before + ", where a target must be");
    }
    return matcher(word);
  }

  private static int deeper(int depth) throws ProtocolException {
    if (depth + 1 > MAX_DEPTH) {
      throw new ProtocolException("compound target nests deeper than " + MAX_DEPTH + " levels");
    }
    return depth + 1;
  }

  private Term matcher(String word) throws ProtocolException {
    Matcher m = MATCHER.matcher(word);
    if (!m.matches()) {
      if (word.startsWith("(") || word.endsWith(")")) {
        throw new ProtocolException(
            "compound target word '"
                + word
                + "': a parenthesis must be a word of its own (as Salt requires: '( a or b )')");
      }
      return new Term.Glob(IdGlob.of(word));
    }
    String letter = m.group(1);
    String alt = m.group(2);
    String pattern = m.group(3);
    if (pattern.isEmpty()) {
      throw new ProtocolException("compound target word '" + word + "' has nothing after the @");
    }
    if (alt != null && !letter.equals("G") && !letter.equals("P")) {
      throw new ProtocolException(
          "compound target word '" + word + "': only G@ and P@ take an alternate delimiter");
    }
    String delim = alt != null ? alt : delimiter;
    return switch (letter) {
      case "G" -> new Term.Grain(GrainMatch.of(pattern, delim, false));
      case "P" -> new Term.Grain(GrainMatch.of(pattern, delim, true));
      case "L" -> Target.idList(pattern);
      case "E" -> Target.idRegex(pattern);
      case "S" -> new Term.Ip(IpMatch.of(pattern));
      case "N" ->
          throw new ProtocolException(
              "compound target word '"
                  + word
                  + "': nodegroups are expanded by the master, which publishes the result");
      case "I" -> new Term.Pillar(GrainMatch.of(pattern, delim, false));
      case "J" -> new Term.Pillar(GrainMatch.of(pattern, delim, true));
      case "R" ->
          throw new ProtocolException(
              "compound target word '" + word + "': range targeting (R@) is not supported");
      default ->
          throw new ProtocolException(
              "compound target word '"
                  + word
                  + "' has an unknown matcher '"
                  + letter
                  + "@' (G, P, L, E, S, N, or a bare id glob)");
    };
  }

  private boolean peek(String operator) {
    return next < words.size() && words.get(next).equals(operator);
  }
}
