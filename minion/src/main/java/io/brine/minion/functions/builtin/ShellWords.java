package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an argument string into words as a POSIX shell would (Salt splits cmd.script's args with
 * shlex), without running a shell: blanks separate words, '...' is literal, "..." keeps blanks and
 * takes backslash before " \ $ and `, a backslash outside quotes takes the next character as it is.
 * Nothing is expanded: "$HOME" and "*" reach the script as they were written.
 */
final class ShellWords {
  private ShellWords() {}

  static List<String> split(String function, String text) throws FunctionException {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\'') {
        int end = text.indexOf('\'', i + 1);
        if (end < 0) {
          throw new FunctionException(function + ": 'args' has an unterminated ' quote");
        }
        word.append(text, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i++;
        boolean closed = false;
        while (i < text.length()) {
          char d = text.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
            word.append(text.charAt(i + 1));
            i += 2;
          } else {
            word.append(d);
            i++;
          }
        }
        if (!closed) {
          throw new FunctionException(function + ": 'args' has an unterminated \" quote");
        }
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= text.length()) {
          throw new FunctionException(function + ": 'args' ends with a lone backslash");
        }
        word.append(text.charAt(i + 1));
        inWord = true;
        i += 2;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
