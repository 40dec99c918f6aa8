package io.brine.minion.functions;

/**
 * What a function returned: a value Jackson can write (String, Number, Boolean, null, List, Map)
 * and Salt's retcode, 0 when all went well (a command's exit status for {@code cmd.run}).
 */
public record FunctionOutput(Object value, int retcode) {
  public static FunctionOutput ok(Object value) {
    return new FunctionOutput(value, 0);
  }
}
