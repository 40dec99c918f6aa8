package io.brine.cli;

/**
 * A failure the user can act on: its message becomes the one line "Error: <message>" on stderr and
 * the command exits with {@link ExitCodes#ERROR}. The message never holds a token or a share.
 */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
