package io.brine.vault.policy;

import io.brine.vault.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * A path rule's pattern, compiled as OpenBao compiles it: {@code *} as the last character makes a
 * prefix pattern ({@code secret/foo*} matches {@code secret/foobar}); a segment that is exactly
 * {@code +} matches any one segment. A {@code *} anywhere else, or a {@code +} inside a longer
 * segment, is an ordinary character, as in OpenBao. {@code +*} is refused, as OpenBao does.
 *
 * <p>{@link #PRIORITY} orders two patterns that both match a path by OpenBao's five rules, lowest
 * priority first. Lengths and positions are counted in UTF-8 bytes, as OpenBao's Go code does.
 */
final class PathPattern {
  /** Lowest priority first; see the class comment. */
  static final Comparator<PathPattern> PRIORITY = PathPattern::comparePriority;

  private final String pattern;
  private final boolean prefix;
  private final boolean segmentWildcards;
  private final String body; // the pattern without its trailing '*'
  private final String[] segments; // body split at '/', empty segments kept
  private final int firstWildcard; // byte offset of the first '+' or of the '*'
  private final int wildcardSegments;
  private final int bodyBytes;

  private PathPattern(String pattern) {
    this.pattern = pattern;
    this.prefix = pattern.endsWith("*");
    this.segmentWildcards =
        pattern.equals("+") || pattern.contains("/+") || pattern.startsWith("+/");
    this.body = prefix ? pattern.substring(0, pattern.length() - 1) : pattern;
    this.segments = body.split("/", -1);
    int plus = pattern.indexOf('+');
    this.firstWildcard =
        segmentWildcards ? utf8Length(pattern.substring(0, plus)) : utf8Length(body);
    int count = 0;
    for (String segment : segments) {
      if (segment.equals("+")) {
        count++;
      }
    }
    this.wildcardSegments = count;
    this.bodyBytes = utf8Length(body);
  }

  /** Compiles {@code pattern}; a leading "/" is dropped, as OpenBao drops it. */
  static PathPattern compile(String pattern) throws InvalidRequestException {
    String p = pattern.startsWith("/") ? pattern.substring(1) : pattern;
    if (p.isEmpty()) {
      throw new InvalidRequestException("path pattern is empty");
    }
    for (int i = 0; i < p.length(); i++) {
      if (Character.isISOControl(p.charAt(i))) {
        throw new InvalidRequestException(
            "path " + QuotedText.of(p) + " has a control character at position " + i);
      }
    }
    if (p.contains("+*")) {
      throw new InvalidRequestException(
          "path " + QuotedText.of(p) + ": invalid use of wildcards ('+*' is forbidden)");
    }
    if (p.contains("{{")) {
      throw new InvalidRequestException(
          "path "
              + QuotedText.of(p)
              + ": identity templates ({{...}}) are not supported: brine has no identity store");
    }
    return new PathPattern(p);
  }

  /** The pattern as the rule is keyed: as written, less a leading "/". */
  String pattern() {
    return pattern;
  }

  boolean isPrefix() {
    return prefix;
  }

  boolean hasSegmentWildcards() {
    return segmentWildcards;
  }

  /** For a pattern without segment wildcards: the exact path, or the prefix before the '*'. */
  String literal() {
    return body;
  }

  /**
   * Whether this segment-wildcard pattern matches {@code pathSegments} ({@code path.split("/",
   * -1)}).
   */
  boolean matchesSegments(String[] pathSegments) {
    if (pathSegments.length < segments.length) {
      return false;
    }
    if (!prefix && pathSegments.length != segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.equals("+") || segment.equals(pathSegments[i])) {
        continue;
      }
      if (prefix && last && pathSegments[i].startsWith(segment)) {
        continue;
      }
      return false;
    }
    return true;
  }

  private static int comparePriority(PathPattern a, PathPattern b) {
    // (1) the first wildcard or glob comes earlier: lower priority
    if (a.firstWildcard != b.firstWildcard) {
      return Integer.compare(a.firstWildcard, b.firstWildcard);
    }
    // (2) it ends in '*' and the other does not: lower priority
    if (a.prefix != b.prefix) {
      return a.prefix ? -1 : 1;
    }
    // (3) it has more '+' segments: lower priority
    if (a.wildcardSegments != b.wildcardSegments) {
      return Integer.compare(b.wildcardSegments, a.wildcardSegments);
    }
    // (4) it is shorter: lower priority
    if (a.bodyBytes != b.bodyBytes) {
      return Integer.compare(a.bodyBytes, b.bodyBytes);
    }
    // (5) it is lexicographically smaller: lower priority
    return compareUtf8(a.body, b.body);
  }

  private static int compareUtf8(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(x.length, y.length);
    for (int i = 0; i < n; i++) {
      if (x[i] != y[i]) {
        return Integer.compare(x[i] & 0xff, y[i] & 0xff);
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
