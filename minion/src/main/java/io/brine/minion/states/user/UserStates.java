package io.brine.minion.states.user;

import io.brine.minion.states.StateFunction;
import java.util.List;

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

}
