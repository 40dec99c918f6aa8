package io.brine.minion.functions.builtin.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.SafeName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code group.info NAME}: Salt's {@code {name, passwd, gid, members}} (members as group(5) lists
 * them: not the users whose primary group it is), or {} when there is no such group.
 */
public final class GroupInfo implements MinionFunction {
  private final Accounts accounts;

  public GroupInfo() {
    this(Accounts.host());
  }

  GroupInfo(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "group.info";
  }

  @Override
  public String doc() {
    return "Returns a group's name, passwd, gid and members; {} when there is none.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), List.of("name", "root"), Set.of());
    String group = SafeName.ACCOUNT.check(name(), "name", a.requiredString("name"));
    if (a.optionalString("root").filter(s -> !s.isEmpty()).isPresent()) {
      throw new FunctionException(name() + ": 'root' is not supported by brine");
    }
    Optional<Accounts.Group> g = accounts.group(group);
    if (g.isEmpty()) {
      return FunctionOutput.ok(Map.of());
    }
    Map<String, Object> info = new TreeMap<>();
    info.put("name", g.get().name());
    info.put("passwd", g.get().passwd());
    info.put("gid", g.get().gid());
    info.put("members", g.get().members());
    return FunctionOutput.ok(info);
  }
}
