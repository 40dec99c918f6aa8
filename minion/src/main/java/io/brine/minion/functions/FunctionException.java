package io.brine.minion.functions;

/**
 * A call a function refuses, bad arguments mostly. The job fails with retcode 1 and "Passed invalid
 * arguments: " followed by the message, so the message says what is wrong in one line and never
 * quotes a value that could be a secret.
 */
public final class FunctionException extends Exception {
  private static final long serialVersionUID = 1L;

  public FunctionException(String oneLine) {
    super(OneLine.of(oneLine));
  }
}
