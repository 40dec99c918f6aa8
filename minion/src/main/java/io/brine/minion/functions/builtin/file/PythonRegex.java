package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.FunctionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Python's re as Salt's file.replace uses it, on Java's regex engine: the flags (a number, a name
 * or a list of names), named groups written {@code (?P<name>...)} and {@code (?P=name)}, '$' before
 * "\n" only (UNIX_LINES), and re.sub's replacement syntax ({@code \1}, {@code \g<name>}, {@code
 * \n}). The two engines agree on the patterns a config file needs; Java's has no conditionals
 * ({@code (?(1)..)}), which fail to compile with a clear error.
 *
 * <p>Matching is bounded by the job's timeout: the text is read through a CharSequence that gives
 * up when the thread is interrupted, so a pattern that backtracks forever does not hold a job
 * thread forever.
 */
public final class PythonRegex {
  private static final Map<String, Integer> FLAG_NAMES =
      Map.ofEntries(
          Map.entry("I", 2),
          Map.entry("IGNORECASE", 2),
          Map.entry("L", 4),
          Map.entry("LOCALE", 4),
          Map.entry("M", 8),
          Map.entry("MULTILINE", 8),
          Map.entry("S", 16),
          Map.entry("DOTALL", 16),
          Map.entry("U", 32),
          Map.entry("UNICODE", 32),
          Map.entry("X", 64),
          Map.entry("VERBOSE", 64),
          Map.entry("A", 256),
          Map.entry("ASCII", 256));

  private PythonRegex() {}

  /** Salt's flags argument: an int (8 is re.MULTILINE), a flag name, or a list of names. */
  static int flags(String function, Object given) throws FunctionException {
    if (given instanceof Number) {
      return ((Number) given).intValue();
    }
    List<Object> names = new ArrayList<>();
    if (given instanceof List) {
      names.addAll((List<?>) given);
    } else {
      String s = String.valueOf(given).strip();
      if (s.matches("[0-9]+")) {
        return Integer.parseInt(s);
      }
      for (String part : s.split("[,|]")) {
        names.add(part.strip());
      }
    }
    int flags = 0;
    for (Object n : names) {
      String name = String.valueOf(n).strip().toUpperCase(Locale.ROOT);
      if (name.startsWith("RE.")) {
        name = name.substring(3);
      }
      Integer bit = FLAG_NAMES.get(name);
      if (bit == null) {
        throw new FunctionException(
            function + ": unknown regex flag '" + n + "' (IGNORECASE, MULTILINE, DOTALL, VERBOSE)");
      }
      flags |= bit;
    }
    return flags;
  }

  public static Pattern compile(String function, String pattern, int pythonFlags)
      throws FunctionException {
    int flags = Pattern.UNIX_LINES;
    if ((pythonFlags & 2) != 0) {
      flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    }
    if ((pythonFlags & 8) != 0) {
      flags |= Pattern.MULTILINE;
    }
    if ((pythonFlags & 16) != 0) {
      flags |= Pattern.DOTALL;
    }
    if ((pythonFlags & 64) != 0) {
      flags |= Pattern.COMMENTS;
    }
    String java = pattern.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>");
    try {
      return Pattern.compile(java, flags);
    } catch (PatternSyntaxException e) {
      throw new FunctionException(
          function + ": 'pattern' is not a valid regular expression: " + e.getDescription());
    }
  }

  /** A piece of a replacement: literal text, or a group by number or name. */
  record Piece(String literal, Integer number, String name) {}

  /** re.sub's repl: the pieces, or all literal with backslash_literal. */
  static List<Piece> template(String function, String repl, boolean literal)
      throws FunctionException {
    List<Piece> pieces = new ArrayList<>();
    if (literal) {
      pieces.add(new Piece(repl, null, null));
      return pieces;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < repl.length(); i++) {
      char c = repl.charAt(i);
      if (c != '\\' || i + 1 == repl.length()) {
        text.append(c);
        continue;
      }
      char e = repl.charAt(++i);
      if (Character.isDigit(e)) {
        int j = i + 1;
        if (j < repl.length() && Character.isDigit(repl.charAt(j))) {
          j++;
        }
        flush(pieces, text);
        pieces.add(new Piece(null, Integer.parseInt(repl.substring(i, j)), null));
        i = j - 1;
      } else if (e == 'g') {
        int close = repl.indexOf('>', i);
        if (i + 1 >= repl.length() || repl.charAt(i + 1) != '<' || close < 0) {
          throw new FunctionException(function + ": 'repl' has a bad \\g<...> group reference");
        }
        String ref = repl.substring(i + 2, close);
        flush(pieces, text);
        pieces.add(
            ref.matches("[0-9]+")
                ? new Piece(null, Integer.parseInt(ref), null)
                : new Piece(null, null, ref));
        i = close;
      } else {
        String escaped = escape(e);
        if (escaped == null) {
          if (Character.isLetter(e) && e < 128) {
            throw new FunctionException(function + ": 'repl' has a bad escape \\" + e);
          }
          text.append('\\').append(e);
        } else {
          text.append(escaped);
        }
      }
    }
    flush(pieces, text);
    return pieces;
  }

  private static String escape(char e) {
    switch (e) {
      case 'n':
        return "\n";
      case 't':
        return "\t";
      case 'r':
        return "\r";
      case 'f':
        return "\f";
      case 'v':
        return "\u000b";
      case 'a':
        return "\u0007";
      case 'b':
        return "\b";
      case '\\':
        return "\\";
      default:
        return null;
    }
  }

  private static void flush(List<Piece> pieces, StringBuilder text) {
    if (text.length() > 0) {
      pieces.add(new Piece(text.toString(), null, null));
      text.setLength(0);
    }
  }

  /** re.subn: the new text and how many replacements were made (count 0: all). */
  record Substitution(String text, int count) {}

  static Substitution subn(
      String function, Pattern pattern, List<Piece> template, String text, int count)
      throws FunctionException, InterruptedException {
    Matcher m = pattern.matcher(new Interruptible(text));
    for (Piece p : template) {
      if (p.number != null && p.number > m.groupCount()) {
        throw new FunctionException(
            function
                + ": 'repl' refers to group "
                + p.number
                + ", which the pattern does not have");
      }
    }
    StringBuilder out = new StringBuilder();
    int last = 0;
    int n = 0;
    try {
      while ((count <= 0 || n < count) && m.find()) {
        out.append(text, last, m.start());
        for (Piece p : template) {
          String g;
          if (p.literal != null) {
            g = p.literal;
          } else if (p.number != null) {
            g = m.group(p.number);
          } else {
            try {
              g = m.group(p.name);
            } catch (IllegalArgumentException e) {
              throw new FunctionException(
                  function
                      + ": 'repl' refers to a group named "
                      + p.name
                      + ", which the pattern does not have");
            }
          }
          out.append(g == null ? "" : g);
        }
        last = m.end();
        n++;
      }
    } catch (CancellationException e) {
      throw new InterruptedException("interrupted while matching");
    }
    out.append(text, last, text.length());
    return new Substitution(out.toString(), n);
  }

  public static boolean find(Pattern pattern, String text) throws InterruptedException {
    try {
      return pattern.matcher(new Interruptible(text)).find();
    } catch (CancellationException e) {
      throw new InterruptedException("interrupted while matching");
    }
  }

  /** The text, for a matcher that must stop when its thread is interrupted. */
  private static final class Interruptible implements CharSequence {
    private final CharSequence text;
    private int reads;

    Interruptible(CharSequence text) {
      this.text = text;
    }

    @Override
    public char charAt(int index) {
      if ((++reads & 0xfff) == 0 && Thread.currentThread().isInterrupted()) {
        throw new CancellationException();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Interruptible(text.subSequence(start, end));
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
