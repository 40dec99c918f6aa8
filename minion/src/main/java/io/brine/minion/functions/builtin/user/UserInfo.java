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
 * {@code user.info NAME}: Salt's keys (name, passwd, uid, gid, home, shell, the GECOS fields
 * fullname, roomnumber, workphone, homephone and other, and groups: every group the user is in,
 * sorted), or {} when there is no such user.
 */
public final class UserInfo implements MinionFunction {
  private final Accounts accounts;

  public UserInfo() {
    this(Accounts.host());
  }

  UserInfo(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "user.info";
  }

  @Override
  public String doc() {
    return "Returns a user's passwd entry, GECOS fields and groups; {} when there is none.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), List.of("name"), Set.of());
    String user = SafeName.ACCOUNT.check(name(), "name", a.requiredString("name"));
    Optional<Accounts.Passwd> p = accounts.user(user);
    if (p.isEmpty()) {
      return FunctionOutput.ok(Map.of());
    }
    Map<String, Object> info = new TreeMap<>();
    info.put("name", p.get().name());
    info.put("passwd", p.get().passwd());
    info.put("uid", p.get().uid());
    info.put("gid", p.get().gid());
    info.put("home", p.get().home());
    info.put("shell", p.get().shell());
    String[] gecos = p.get().gecos().split(",", 5);
    String[] keys = {"fullname", "roomnumber", "workphone", "homephone", "other"};
    for (int i = 0; i < keys.length; i++) {
      info.put(keys[i], i < gecos.length ? gecos[i] : "");
    }
    info.put("groups", accounts.groupsOf(user));
    return FunctionOutput.ok(info);
  }
}
