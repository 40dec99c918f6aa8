package io.brine.minion.functions.builtin.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import java.util.Optional;

/** Checks of the values user.add and group.add hand to useradd and groupadd. */
final class AccountArguments {
  private AccountArguments() {}

  /** A uid or gid: a whole number from 0 up; "" counts as not given (Salt's default). */
  static Optional<String> id(Arguments a, String function, String name) throws FunctionException {
    Optional<String> v = a.optionalString(name).filter(s -> !s.isEmpty());
    if (v.isPresent() && !v.get().matches("[0-9]{1,10}")) {
      throw new FunctionException(function + ": '" + name + "' must be a number, got " + v.get());
    }
    return v;
  }

  /**
   * An absolute path for a passwd field: no ':' (the field separator) and no control characters.
   */
  static Optional<String> path(Arguments a, String function, String name) throws FunctionException {
    Optional<String> v = a.optionalString(name).filter(s -> !s.isEmpty());
    if (v.isPresent() && (!v.get().startsWith("/") || !v.get().matches("[^:\\p{Cntrl}]+"))) {
      throw new FunctionException(
          function + ": '" + name + "' must be an absolute path without ':', got " + v.get());
    }
    return v;
  }

  /** A GECOS field: no ':' or ',' (the separators) and no control characters. */
  static String gecosField(Arguments a, String function, String name) throws FunctionException {
    String v = a.optionalString(name).orElse("");
    if (!v.matches("[^:,\\p{Cntrl}]*")) {
      throw new FunctionException(
          function + ": '" + name + "' must not contain ':', ',' or control characters");
    }
    return v;
  }
}
