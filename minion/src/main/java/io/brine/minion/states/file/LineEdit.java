package io.brine.minion.states.file;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.builtin.file.PythonRegex;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Salt's file.line edit (its _set_line), on the file's lines with their newlines, as Python's
 * text mode reads them ("\r\n" and "\r" read as "\n"). {@code match}, {@code before} and {@code
 * after} are each tried as a regex (re.search, DOTALL) and as a plain fragment of the line; the
 * first line found is the one acted on, and before/after must find exactly one.
 *
 * <p>Two quirks of Salt's are not kept: a file that ends in a newline gets {@code location: end}
 * content as its new last line, not after an empty line with no newline at the end; and the line
 * next to the place counts as the content whatever its indentation, so an indented line is not
 * inserted again on every run.
 */
final class LineEdit {
  private final String content;
  private final String mode;
  private final String location;
  private final boolean indent;
  private String match;
  private final String before;
  private final String after;

  LineEdit(String content, String match, String mode, String location, String before,
      String after, boolean indent) {
    this.content = content;
    this.match = match;
    this.mode = mode;
    this.location = location;
    this.before = before;
    this.after = after;
    this.indent = indent;
  }

  /**
   * The new text.
   *
   * @throws IllegalArgumentException with Salt's words for an edit it cannot make
   */
  String apply(String text) throws InterruptedException {
    text = text.replace("\r\n", "\n").replace('\r', '\n');
    List<String> body = lines(text);
    if (!body.isEmpty() && body.get(body.size() - 1).endsWith("\n")) {
      body.add("");
    }
    if (text.isEmpty() && (mode.equals("delete") || mode.equals("replace"))) {
      body = new ArrayList<>();
    }
    body = setLine(body);
    if (!body.isEmpty()) {
      for (int i = 0; i < body.size(); i++) {
        if (!body.get(i).endsWith("\n") && i + 1 < body.size()) {
          body.set(i, rstrip(body.get(i)) + "\n");
        }
      }
      if (body.get(body.size() - 1).isEmpty()) {
        body.remove(body.size() - 1);
      }
    }
    return String.join("", body);
  }

  private List<String> setLine(List<String> lines) throws InterruptedException {
    if (!mode.equals("delete") && content == null) {
      throw new IllegalArgumentException("Content can only be empty if mode is delete");
    }
    if ((match == null || match.isEmpty()) && before == null && after == null) {
      match = content;
    }
    List<String> afterLines = matching(lines, after);
    List<String> beforeLines = matching(lines, before);
    List<String> matchLines = matching(lines, match);
    boolean hasMatch = matchLines != null && !matchLines.isEmpty();
    if (lines.isEmpty() && (mode.equals("delete") || mode.equals("replace"))) {
      return new ArrayList<>();
    }
    switch (mode) {
      case "delete" -> {
        if (hasMatch) {
          String first = matchLines.get(0);
          lines.removeIf(first::equals);
        }
      }
      case "replace" -> {
        if (hasMatch) {
          int i = lines.indexOf(matchLines.get(0));
          lines.set(i, indented(lines.get(i), content));
        }
      }
      case "insert" -> insert(lines, beforeLines, afterLines);
      case "ensure" -> ensure(lines, beforeLines, afterLines);
      default -> throw new IllegalArgumentException("Unknown mode: " + mode);
    }
    return lines;
  }

  private void insert(List<String> lines, List<String> beforeLines, List<String> afterLines) {
    if (beforeLines == null && afterLines == null && location == null) {
      throw new IllegalArgumentException(
          "On insert either \"location\" or \"before/after\" conditions are required.");
    }
    if (location != null) {
      if (location.equals("end")) {
        int end = lastReal(lines);
        if (end < 0) {
          lines.add(lines.isEmpty() ? 0 : lines.size() - 1, content);
        } else {
          lines.add(end + 1, indented(lines.get(end), content));
        }
      } else if (location.equals("start")) {
        lines.add(0, rstrip(content) + "\n");
      } else {
        throw new IllegalArgumentException(
            "file.line: 'location' must be start or end, got " + location);
      }
      return;
    }
    if (nonEmpty(beforeLines) && nonEmpty(afterLines)) {
      occurs(beforeLines, "before");
      occurs(afterLines, "after");
      int last = lines.indexOf(beforeLines.get(0));
      lines.add(last, indented(lines.get(last), content));
    } else if (nonEmpty(afterLines)) {
      occurs(afterLines, "after");
      int i = lines.indexOf(afterLines.get(0));
      String next = i + 1 >= lines.size() ? null : lines.get(i + 1);
      if (next == null || !same(next, content)) {
        lines.add(i + 1, indented(lines.get(i), content));
      }
    } else if (nonEmpty(beforeLines)) {
      occurs(beforeLines, "before");
      int i = lines.indexOf(beforeLines.get(0));
      String prev = i == 0 ? null : lines.get(i - 1);
      if (prev == null || !same(prev, content)) {
        lines.add(i, indented(lines.get(i), content));
      }
    } else {
      throw new IllegalArgumentException("Neither before or after was found in file");
    }
  }

  private void ensure(List<String> lines, List<String> beforeLines, List<String> afterLines) {
    if (beforeLines != null && afterLines != null) {
      occurs(afterLines, "after");
      occurs(beforeLines, "before");
      int afterIndex = lines.indexOf(afterLines.get(0));
      int beforeIndex = lines.indexOf(beforeLines.get(0));
      boolean there = lines.stream().anyMatch(l -> lstrip(l).equals(content)
          || stripEol(lstrip(l)).equals(content));
      if (!there) {
        if (afterIndex + 1 == beforeIndex) {
          lines.add(afterIndex + 1, indented(lines.get(afterIndex), content));
        } else if (afterIndex + 2 == beforeIndex) {
          lines.set(afterIndex + 1, indented(lines.get(afterIndex), content));
        } else {
          throw new IllegalArgumentException(
              "Found more than one line between boundaries \"before\" and \"after\".");
        }
      }
    } else if (beforeLines != null) {
      occurs(beforeLines, "before");
      int i = lines.indexOf(beforeLines.get(0));
      if (i == 0 || !same(lines.get(i - 1), content)) {
        lines.add(i, indented(i == 0 ? lines.get(0) : lines.get(i - 1), content));
      }
    } else if (afterLines != null) {
      occurs(afterLines, "after");
      int i = lines.indexOf(afterLines.get(0));
      if (i + 1 >= lines.size() || !same(lines.get(i + 1), content)) {
        lines.add(i + 1, indented(lines.get(i), content));
      }
    } else {
      throw new IllegalArgumentException("Wrong conditions? Unable to ensure line without knowing"
          + " where to put it before and/or after.");
    }
  }

  /** Salt's _regex_to_static: the lines the regex or fragment is found in; null for none given. */
  private static List<String> matching(List<String> lines, String regex)
      throws InterruptedException {
    if (lines.isEmpty() || regex == null || regex.isEmpty()) {
      return null;
    }
    Pattern p;
    try {
      p = PythonRegex.compile("file.line", regex, 16);
    } catch (FunctionException e) {
      p = null; // Salt tries the fragment as well; a fragment that is no regex is still one
    }
    List<String> found = new ArrayList<>();
    for (String line : lines) {
      if ((p != null && PythonRegex.find(p, line)) || line.contains(regex)) {
        found.add(line);
      }
    }
    return found;
  }

  /** Salt's _assert_occurrence: exactly one line. */
  private static void occurs(List<String> probe, String target) {
    int n = probe.size();
    String msg = n > 1 ? "more than" : n < 1 ? "less than" : null;
    if (msg != null) {
      throw new IllegalArgumentException(
          "Found " + msg + " expected occurrences in \"" + target + "\" expression");
    }
  }

  /**
   * The line next to the place is the content already. Salt compares them with the indentation,
   * which re-inserts an indented line on every run; here the indentation the line was given (the
   * neighbour's) does not count, so ensure is idempotent.
   */
  private static boolean same(String line, String content) {
    return lstrip(stripEol(line)).equals(lstrip(stripEol(content)));
  }

  private static boolean nonEmpty(List<String> l) {
    return l != null && !l.isEmpty();
  }

  private static int lastReal(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isEmpty()) {
        return i;
      }
    }
    return -1;
  }

  /** Salt's _set_line_indent: the source line's leading spaces and tabs on the content. */
  private String indented(String src, String line) {
    if (!indent) {
      return line;
    }
    int i = 0;
    while (i < src.length() && (src.charAt(i) == ' ' || src.charAt(i) == '\t')) {
      i++;
    }
    return src.substring(0, i) + lstrip(line);
  }

  private static String lstrip(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }

  private static String rstrip(String s) {
    int i = s.length();
    while (i > 0 && Character.isWhitespace(s.charAt(i - 1))) {
      i--;
    }
    return s.substring(0, i);
  }

  private static String stripEol(String s) {
    int i = s.length();
    while (i > 0 && (s.charAt(i - 1) == '\n' || s.charAt(i - 1) == '\r')) {
      i--;
    }
    return s.substring(0, i);
  }

  /** Lines with their newlines, as Python's readlines() gives them. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        out.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }
}
