package io.brine.minion.functions.builtin.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** {@code user.list_users}: every user name, sorted, as Salt's. */
public final class UserListUsers implements MinionFunction {
  private final Accounts accounts;

  public UserListUsers() {
    this(Accounts.host());
  }

  UserListUsers(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "user.list_users";
  }

  @Override
  public String doc() {
    return "Lists every user name, sorted.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments.parse(call, name(), List.of(), Set.of());
    TreeSet<String> names = new TreeSet<>();
    accounts.users().forEach(p -> names.add(p.name()));
    return FunctionOutput.ok(List.copyOf(names));
  }
}
