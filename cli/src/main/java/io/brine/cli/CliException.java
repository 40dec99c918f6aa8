package io.brine.cli;

/**
 * A failure the user can act on: its message becomes the one line "Error: <message>" on stderr and
 * the command exits with {@link ExitCodes#ERROR}, or the code the command documents for it. The
 * message never holds a token or a share.
 */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public CliException(String message) {
    this(message, ExitCodes.ERROR);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
    this.exitCode = ExitCodes.ERROR;
  }

  /** A failure with a code of its own in the command's exit-code table. */
  public CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
