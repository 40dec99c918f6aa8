package io.brine.cli.kv;

import io.brine.cli.CliException;

/**
 * The master refused a request or could not be asked: exit 2, as {@code bao kv} exits when its
 * API call fails, so a script can tell "the master said no" from "the command line was wrong" (1).
 */
final class KvServerError extends CliException {
  private static final long serialVersionUID = 1L;

  static final int EXIT_CODE = 2;

  KvServerError(String message) {
    super(message);
  }

  KvServerError(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int exitCode() {
    return EXIT_CODE;
  }
}
