package io.brine.vault.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The ACL against a brute-force reading of OpenBao's documented rules: every pattern is turned into
 * a regular expression, every matching pattern is ranked by the five tie-breaks written out again
 * here, and the winner's capabilities (unioned over policies, deny alone if any denies) must be
 * what {@link Acl#capabilities} answers. This checks the ACL's shortcuts (the longest prefix taken
 * without sorting, the segment matching) on many shapes no table lists.
 */
class AclPrecedencePropertiesTest {
  record Rule(int policy, String pattern, Set<String> capabilities) {}

  @Provide
  Arbitrary<String> patterns() {
    Arbitrary<String> segment = Arbitraries.of("a", "b", "ab", "+");
    return Combinators.combine(
            segment.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of("", "*", "/*"))
        .as((segments, tail) -> String.join("/", segments) + tail)
        .filter(p -> !p.contains("+*"));
  }

  @Provide
  Arbitrary<List<Rule>> rules() {
    Arbitrary<Set<String>> capabilities =
        Arbitraries.of("read", "list", "update", "sudo", "deny").set().ofMinSize(1).ofMaxSize(3);
    return Combinators.combine(Arbitraries.integers().between(0, 2), patterns(), capabilities)
        .as(Rule::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("a", "b", "ab", "abc", "c")
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(s -> String.join("/", s));
  }

  @Property(tries = 1000)
  void capabilities_areThoseOfTheDocumentedWinner(
      @ForAll("rules") List<Rule> rules, @ForAll("paths") String path) throws Exception {
    List<Policy> policies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      StringBuilder text = new StringBuilder();
      for (Rule r : rules) {
        if (r.policy() == i) {
          text.append("path \"").append(r.pattern()).append("\" { capabilities = [");
          r.capabilities().forEach(c -> text.append('"').append(c).append("\","));
          text.append("] }\n");
        }
      }
      policies.add(PolicyParser.parse("p" + i, text.toString()));
    }

    assertThat(Acl.of(policies).capabilities(path)).isEqualTo(expected(rules, path));
  }

  private static List<String> expected(List<Rule> rules, String path) {
    String winner =
        rules.stream()
            .map(Rule::pattern)
            .filter(p -> matches(p, path))
            .max(
                Comparator.comparing(AclPrecedencePropertiesTest::isExact)
                    .thenComparing(AclPrecedencePropertiesTest::byDocumentedRules))
            .orElse(null);
    if (winner == null) {
      return List.of("deny");
    }
    TreeSet<String> union = new TreeSet<>();
    for (Rule r : rules) {
      if (r.pattern().equals(winner)) {
        union.addAll(r.capabilities());
      }
    }
    return union.contains("deny") ? List.of("deny") : List.copyOf(union);
  }

  private static boolean matches(String pattern, String path) {
    boolean prefix = pattern.endsWith("*");
    String body = prefix ? pattern.substring(0, pattern.length() - 1) : pattern;
    StringBuilder regex = new StringBuilder();
    String[] segments = body.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        regex.append('/');
      }
      regex.append(segments[i].equals("+") ? "[^/]*" : Pattern.quote(segments[i]));
    }
    if (prefix) {
      regex.append(".*");
    }
    return path.matches(regex.toString());
  }

  private static boolean isExact(String pattern) {
    return !pattern.endsWith("*") && !List.of(pattern.split("/", -1)).contains("+");
  }

  /** Positive when {@code p1} has the higher priority, by the five rules as documented. */
  private static int byDocumentedRules(String p1, String p2) {
    int first1 = firstWildcard(p1);
    int first2 = firstWildcard(p2);
    if (first1 != first2) {
      return Integer.compare(first1, first2); // (1) earlier wildcard: lower
    }
    boolean glob1 = p1.endsWith("*");
    boolean glob2 = p2.endsWith("*");
    if (glob1 != glob2) {
      return glob1 ? -1 : 1; // (2) ends in '*': lower
    }
    long plus1 = List.of(p1.split("/", -1)).stream().filter("+"::equals).count();
    long plus2 = List.of(p2.split("/", -1)).stream().filter("+"::equals).count();
    if (plus1 != plus2) {
      return Long.compare(plus2, plus1); // (3) more '+' segments: lower
    }
    String body1 = glob1 ? p1.substring(0, p1.length() - 1) : p1;
    String body2 = glob2 ? p2.substring(0, p2.length() - 1) : p2;
    if (body1.length() != body2.length()) {
      return Integer.compare(body1.length(), body2.length()); // (4) shorter: lower
    }
    return body1.compareTo(body2); // (5) lexicographically smaller: lower
  }

  private static int firstWildcard(String pattern) {
    int plus = pattern.indexOf('+');
    int star = pattern.endsWith("*") ? pattern.length() - 1 : Integer.MAX_VALUE;
    return Math.min(plus < 0 ? Integer.MAX_VALUE : plus, star);
  }
}
