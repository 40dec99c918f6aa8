package io.brine.minion.states;

import java.util.List;

/**
 * The states could not be compiled: Salt's "Data failed to compile", one line per error, and
 * Salt's retcode (1; 5 when the pillar could not be had).
 */
final class CompileException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;
  private final int retcode;

  CompileException(List<String> errors) {
    this(errors, 1);
  }

  CompileException(List<String> errors, int retcode) {
    super(String.join("; ", errors));
    this.errors = List.copyOf(errors);
    this.retcode = retcode;
  }

  List<String> errors() {
    return errors;
  }

  int retcode() {
    return retcode;
  }
}
