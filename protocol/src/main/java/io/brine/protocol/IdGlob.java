package io.brine.protocol;

import java.util.regex.Pattern;

/**
 * A shell glob over minion ids, as Python's {@code fnmatch.fnmatchcase} (what salt-key and Salt's
 * {@code autosign_file} use): {@code *} any run of characters, {@code ?} one character, {@code
 * [abc]}, {@code [a-z]} and {@code [!abc]} one character of (not of) a set. Everything else, and a
 * {@code [} that is never closed, matches itself. Case-sensitive.
 */
public final class IdGlob {
  private final String glob;
  private final Pattern pattern;

  private IdGlob(String glob, Pattern pattern) {
    this.glob = glob;
    this.pattern = pattern;
  }

  public static IdGlob of(String glob) {
    return new IdGlob(glob, Pattern.compile(toRegex(glob), Pattern.DOTALL));
  }

  /** False also when matching would take too long ({@link BoundedMatch}: many stars, long text). */
  public boolean matches(String id) {
    return BoundedMatch.matches(pattern, id);
  }

  @Override
  public String toString() {
    return glob;
  }

  private static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i++);
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else if (c == '[') {
        int end = classEnd(glob, i);
        if (end < 0) {
          regex.append("\\[");
        } else {
          regex.append(characterClass(glob.substring(i, end)));
          i = end + 1;
        }
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }

  /**
   * Index of the ']' closing a class that starts at {@code from}, or -1; "[]]" and "[!]]" hold ']'.
   */
  private static int classEnd(String glob, int from) {
    int j = from;
    if (j < glob.length() && glob.charAt(j) == '!') {
      j++;
    }
    if (j < glob.length() && glob.charAt(j) == ']') {
      j++;
    }
    return glob.indexOf(']', j);
  }

  private static String characterClass(String body) {
    StringBuilder out = new StringBuilder("[");
    int first = 0;
    if (body.startsWith("!")) {
      out.append('^');
      first = 1;
    }
    for (int k = first; k < body.length(); k++) {
      char c = body.charAt(k);
      // Only a '-' between two characters makes a range; any other '-' is literal.
      boolean range = c == '-' && k > first && k < body.length() - 1;
      if (!range && "\\[]^&-".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append(']').toString();
  }
}
