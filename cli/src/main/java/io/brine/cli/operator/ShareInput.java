package io.brine.cli.operator;

import io.brine.cli.Brine;
import io.brine.cli.CliException;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a key share the user did not put on the command line: from the terminal without echo, or,
 * when there is no terminal ({@code echo KEY | brine operator unseal}), one line of stdin.
 *
 * <p>The share ends up in a JSON string for the request, so the JVM holds it as a String until the
 * garbage collector takes it; the char arrays read here are wiped all the same.
 */
final class ShareInput {
  /** A share is 33 bytes: 66 hex digits. Anything much longer is not a share. */
  private static final int MAX_LINE_BYTES = 1024;

  private ShareInput() {}

  static String read(Brine brine, String prompt) {
    Console console = brine.console();
    String share;
    if (console != null) {
      share = fromConsole(console, prompt);
    } else {
      // No Console (stdout redirected, or a pipe on stdin): if a person is typing on a terminal
      // all the same, echo goes off and the prompt goes to stderr, out of the piped output.
      try (EchoOff echoOff = EchoOff.ifStdinIsATerminal()) {
        if (echoOff.active()) {
          System.err.print(prompt);
          System.err.flush();
        }
        share = fromStream(brine.stdin());
        if (echoOff.active()) {
          System.err.println();
        }
      }
    }
    if (share.isEmpty()) {
      throw new CliException("no key given");
    }
    return share;
  }

  private static String fromConsole(Console console, String prompt) {
    char[] typed = console.readPassword("%s", prompt);
    if (typed == null) {
      throw new CliException("no key given (end of input)");
    }
    try {
      return new String(typed).strip();
    } finally {
      Arrays.fill(typed, '\0');
    }
  }

  /** Reads byte by byte up to the end of the line, so nothing after it is consumed. */
  private static String fromStream(InputStream in) {
    byte[] line = new byte[MAX_LINE_BYTES];
    int length = 0;
    try {
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        if (length == line.length) {
          throw new CliException(
              "the key on standard input is longer than " + MAX_LINE_BYTES + " bytes");
        }
        line[length++] = (byte) b;
      }
      return new String(line, 0, length, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new CliException("cannot read the key from standard input: " + e.getMessage(), e);
    } finally {
      Arrays.fill(line, (byte) 0);
    }
  }
}
