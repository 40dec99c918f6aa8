package io.brine.vault.policy;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.policy.SyntaxNode.Entry;
import io.brine.vault.policy.SyntaxNode.Position;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the part of HCL (version 1, as OpenBao parses policies) that policies use: entries {@code
 * key = value} and blocks {@code key "label" { ... }}; values that are double-quoted strings,
 * numbers, {@code true}/{@code false}, lists {@code [a, b]} and objects {@code { k = v }}; comments
 * {@code #}, {@code //} and {@code /* *}{@code /}. Entries may be separated by newlines or commas.
 * Heredocs are refused. Strict: anything else is an error naming the line and column where it went
 * wrong. Nesting deeper than {@link PolicyParser#MAX_NESTING} is refused, so no input can exhaust
 * the stack.
 */
final class HclReader {
  private final String text;
  private int pos;
  private int line = 1;
  private int column = 1;

  private HclReader(String text) {
    this.text = text;
  }

  /** The document as one object whose entries are its top-level entries and blocks. */
  static SyntaxNode.ObjectValue read(String text) throws InvalidRequestException {
    HclReader reader = new HclReader(text);
    Position start = reader.here();
    List<Entry> entries = reader.entries(1, false);
    return new SyntaxNode.ObjectValue(entries, start);
  }

  private List<Entry> entries(int depth, boolean braced) throws InvalidRequestException {
    List<Entry> entries = new ArrayList<>();
    while (true) {
      skipBlanks();
      if (atEnd()) {
        if (braced) {
          throw error("'}' is missing: the input ends inside an object");
        }
        return entries;
      }
      char c = peek();
      if (c == '}') {
        if (!braced) {
          throw error("unexpected '}' with no object open");
        }
        return entries;
      }
      if (c == ',' && !entries.isEmpty()) {
        advance();
        continue;
      }
      entries.add(entry(depth));
    }
  }

  private Entry entry(int depth) throws InvalidRequestException {
    Position start = here();
    List<String> keys = new ArrayList<>();
    keys.add(key());
    while (true) {
      skipBlanks();
      if (atEnd()) {
        throw error("expected '=' or '{' after " + QuotedText.of(keys.get(0)));
      }
      char c = peek();
      if (c == '=') {
        advance();
        return new Entry(keys, start, value(depth));
      }
      if (c == '{') {
        return new Entry(keys, start, object(depth));
      }
      if (c == '"' || isIdentStart(c)) {
        keys.add(key());
        continue;
      }
      throw error(
          "expected '=' or '{' after " + QuotedText.of(keys.get(0)) + ", found " + describe(c));
    }
  }

  private String key() throws InvalidRequestException {
    char c = peek();
    if (c == '"') {
      return string();
    }
    if (isIdentStart(c)) {
      return identifier();
    }
    throw error("expected a key, found " + describe(c));
  }

  private SyntaxNode value(int depth) throws InvalidRequestException {
    skipBlanks();
    if (atEnd()) {
      throw error("expected a value, found the end of the input");
    }
    Position start = here();
    char c = peek();
    if (c == '"') {
      return new SyntaxNode.Str(string(), start);
    }
    if (c == '[') {
      return list(depth);
    }
    if (c == '{') {
      return object(depth);
    }
    if (c == '-' || isDigit(c)) {
      return new SyntaxNode.Num(number(), start);
    }
    if (c == '<' && text.startsWith("<<", pos)) {
      throw error("heredoc strings are not supported in policies; use a quoted string");
    }
    if (isIdentStart(c)) {
      String word = identifier();
      if (word.equals("true") || word.equals("false")) {
        return new SyntaxNode.Bool(word.equals("true"), start);
      }
      throw new InvalidRequestException(
          start + ": expected a value, found " + QuotedText.of(word) + " (strings are quoted)");
    }
    throw error("expected a value, found " + describe(c));
  }

  private SyntaxNode.ObjectValue object(int depth) throws InvalidRequestException {
    Position start = here();
    checkDepth(depth);
    advance(); // '{'
    List<Entry> entries = entries(depth + 1, true);
    advance(); // '}'
    return new SyntaxNode.ObjectValue(entries, start);
  }

  private SyntaxNode.ListValue list(int depth) throws InvalidRequestException {
    Position start = here();
    checkDepth(depth);
    advance(); // '['
    List<SyntaxNode> items = new ArrayList<>();
    while (true) {
      skipBlanks();
      if (atEnd()) {
        throw error("']' is missing: the input ends inside a list");
      }
      if (peek() == ']') {
        advance();
        return new SyntaxNode.ListValue(items, start);
      }
      items.add(value(depth + 1));
      skipBlanks();
      if (atEnd()) {
        throw error("']' is missing: the input ends inside a list");
      }
      char c = peek();
      if (c == ',') {
        advance();
      } else if (c != ']') {
        throw error("expected ',' or ']' in a list, found " + describe(c));
      }
    }
  }

  private void checkDepth(int depth) throws InvalidRequestException {
    if (depth + 1 > PolicyParser.MAX_NESTING) {
      throw error("nested deeper than " + PolicyParser.MAX_NESTING + " levels");
    }
  }

  private String string() throws InvalidRequestException {
    Position start = here();
    advance(); // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (atEnd() || peek() == '\n') {
        throw new InvalidRequestException(start + ": string is not closed on its line");
      }
      char c = peek();
      if (c == '"') {
        advance();
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        advance();
        continue;
      }
      Position escape = here();
      advance();
      if (atEnd()) {
        throw new InvalidRequestException(start + ": string is not closed on its line");
      }
      char e = peek();
      advance();
      switch (e) {
        case 'n':
          out.append('\n');
          break;
        case 't':
          out.append('\t');
          break;
        case 'r':
          out.append('\r');
          break;
        case '"':
          out.append('"');
          break;
        case '\\':
          out.append('\\');
          break;
        case 'u':
          out.appendCodePoint(hex(4, escape));
          break;
        case 'U':
          out.appendCodePoint(hex(8, escape));
          break;
        default:
          throw new InvalidRequestException(
              escape + ": unknown escape " + QuotedText.of("\\" + e) + " in a string");
      }
    }
  }

  private int hex(int digits, Position escape) throws InvalidRequestException {
    if (pos + digits > text.length()) {
      throw new InvalidRequestException(escape + ": incomplete unicode escape in a string");
    }
    int value = 0;
    for (int i = 0; i < digits; i++) {
      int d = Character.digit(peek(), 16);
      if (d < 0) {
        throw new InvalidRequestException(escape + ": bad unicode escape in a string");
      }
      value = value * 16 + d;
      advance();
      if (value > Character.MAX_CODE_POINT) {
        throw new InvalidRequestException(escape + ": unicode escape beyond U+10FFFF");
      }
    }
    if (value >= Character.MIN_SURROGATE && value <= Character.MAX_SURROGATE) {
      throw new InvalidRequestException(escape + ": unicode escape of a lone surrogate");
    }
    return value;
  }

  private String number() throws InvalidRequestException {
    Position start = here();
    int begin = pos;
    if (peek() == '-') {
      advance();
    }
    if (atEnd() || !isDigit(peek())) {
      throw new InvalidRequestException(start + ": malformed number");
    }
    while (!atEnd() && (isDigit(peek()) || peek() == '.' || peek() == 'e' || peek() == 'E')) {
      advance();
    }
    String number = text.substring(begin, pos);
    if (!number.matches("-?[0-9]+(\\.[0-9]+)?([eE][0-9]+)?")) {
      throw new InvalidRequestException(start + ": malformed number " + QuotedText.of(number));
    }
    return number;
  }

  private String identifier() {
    int begin = pos;
    while (!atEnd() && isIdentPart(peek())) {
      advance();
    }
    return text.substring(begin, pos);
  }

  /** Skips spaces, newlines and the three kinds of comment. */
  private void skipBlanks() throws InvalidRequestException {
    while (!atEnd()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF' && pos == 0) {
        advance();
      } else if (c == '#' || c == '/' && text.startsWith("//", pos)) {
        while (!atEnd() && peek() != '\n') {
          advance();
        }
      } else if (c == '/' && text.startsWith("/*", pos)) {
        Position start = here();
        int close = text.indexOf("*/", pos + 2);
        if (close < 0) {
          throw new InvalidRequestException(start + ": comment is not closed with */");
        }
        while (pos < close + 2) {
          advance();
        }
      } else {
        return;
      }
    }
  }

  private static boolean isIdentStart(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || isDigit(c) || c == '-' || c == '.';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String describe(char c) {
    return QuotedText.of(String.valueOf(c));
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private char peek() {
    return text.charAt(pos);
  }

  private void advance() {
    if (text.charAt(pos) == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    pos++;
  }

  private Position here() {
    return new Position(line, column);
  }

  private InvalidRequestException error(String what) {
    return new InvalidRequestException(here() + ": " + what);
  }
}
