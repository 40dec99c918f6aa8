package io.brine.cli.key;

import io.brine.cli.Brine;
import io.brine.cli.CliException;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * salt-key's "Proceed? [n/Y]" (accept, reject: yes unless the answer starts with n) and "Proceed?
 * [N/y]" (delete: no unless it starts with y). The answer comes from the terminal, else one line of
 * stdin. No answer at all (end of input) is an error rather than a default, so a script that forgot
 * {@code -y} fails instead of acting or silently doing nothing.
 */
final class Confirmation {
  private static final int MAX_LINE_BYTES = 256;

  private Confirmation() {}

  static boolean ask(Brine brine, PrintWriter out, boolean defaultYes) {
    String prompt = defaultYes ? "Proceed? [n/Y] " : "Proceed? [N/y] ";
    String answer;
    Console console = brine.console();
    if (console != null) {
      out.flush();
      answer = console.readLine("%s", prompt);
    } else {
      out.print(prompt);
      out.flush();
      answer = readLine(brine.stdin());
    }
    if (answer == null) {
      throw new CliException(
          "no answer to the prompt (end of input); use -y to proceed without one");
    }
    String a = answer.strip().toLowerCase(java.util.Locale.ROOT);
    return defaultYes ? !a.startsWith("n") : a.startsWith("y");
  }

  /** One line, read byte by byte so nothing after it is consumed; null at end of input. */
  private static String readLine(InputStream in) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      int b = in.read();
      if (b == -1) {
        return null;
      }
      while (b != -1 && b != '\n') {
        if (line.size() < MAX_LINE_BYTES) {
          line.write(b);
        }
        b = in.read();
      }
    } catch (IOException e) {
      throw new CliException("cannot read the answer from standard input: " + e.getMessage(), e);
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
