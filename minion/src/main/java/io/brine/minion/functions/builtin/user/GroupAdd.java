package io.brine.minion.functions.builtin.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.SafeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code group.add NAME [gid] [system=False] [non_unique=False]}: groupadd, True when the group was
 * made. root (a chroot) is refused.
 */
public final class GroupAdd implements MinionFunction {
  private final Accounts accounts;

  public GroupAdd() {
    this(Accounts.host());
  }

  GroupAdd(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "group.add";
  }

  @Override
  public String doc() {
    return "Adds a group with groupadd; True when it was added.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a =
        Arguments.parse(
            call, name(), List.of("name", "gid", "system", "root"), Set.of("non_unique"));
    String group = SafeName.ACCOUNT.check(name(), "name", a.requiredString("name"));
    if (a.optionalString("root").filter(s -> !s.isEmpty()).isPresent()) {
      throw new FunctionException(name() + ": 'root' is not supported by brine");
    }
    List<String> argv = new ArrayList<>(List.of("groupadd"));
    Optional<String> gid = AccountArguments.id(a, name(), "gid");
    if (gid.isPresent()) {
      argv.addAll(List.of("-g", gid.get()));
    }
    if (a.bool("system", false)) {
      argv.add("-r");
    }
    if (a.bool("non_unique", false)) {
      argv.add("-o");
    }
    argv.addAll(List.of("--", group));
    return accounts.change(name(), argv);
  }
}
