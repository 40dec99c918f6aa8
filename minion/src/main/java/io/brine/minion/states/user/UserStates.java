package io.brine.minion.states.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import java.util.List;
import java.util.Set;

/**
 * Salt's {@code user.present}, {@code user.absent} and {@code group.present}: accounts are read
 * with user.info and group.info and made with user.add, user.delete and group.add; the changes to
 * an existing account that the minion has no execution function for (Salt's user.chshell and the
 * like, group.members) are usermod, groupmod and gpasswd lines ({@link ShadowTools}).
 */
public final class UserStates {
  private UserStates() {}

  public static List<StateFunction> all() {
    return List.of(new UserPresent(), new UserAbsent(), new GroupPresent());
  }

  /**
   * A state's arguments read as an execution function's keywords, so a misspelt or unknown one is
   * refused in Salt's words ("got an unexpected keyword argument").
   */
  static Arguments arguments(StateCall call, String state, Set<String> keywords)
      throws FunctionException {
    return Arguments.parse(
        new FunctionCall(List.of(), call.args(), call.context().functions()),
        state,
        List.of(),
        keywords);
  }
}
