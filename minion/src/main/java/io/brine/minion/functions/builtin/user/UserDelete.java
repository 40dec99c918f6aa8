package io.brine.minion.functions.builtin.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.SafeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code user.delete NAME [remove=False] [force=False]}: userdel, with -r (home and mail spool) and
 * -f as Salt's; True when the user was deleted. root (a chroot) is refused.
 */
public final class UserDelete implements MinionFunction {
  private final Accounts accounts;

  public UserDelete() {
    this(Accounts.host());
  }

  UserDelete(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "user.delete";
  }

  @Override
  public String doc() {
    return "Deletes a user with userdel (remove=True removes the home); True when it was deleted.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a =
        Arguments.parse(call, name(), List.of("name", "remove", "force", "root"), Set.of());
    String user = SafeName.ACCOUNT.check(name(), "name", a.requiredString("name"));
    if (a.optionalString("root").filter(s -> !s.isEmpty()).isPresent()) {
      throw new FunctionException(name() + ": 'root' is not supported by brine");
    }
    List<String> argv = new ArrayList<>(List.of("userdel"));
    if (a.bool("remove", false)) {
      argv.add("-r");
    }
    if (a.bool("force", false)) {
      argv.add("-f");
    }
    argv.addAll(List.of("--", user));
    return accounts.change(name(), argv);
  }
}
