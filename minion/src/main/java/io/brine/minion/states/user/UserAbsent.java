package io.brine.minion.states.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code user.absent}: user.delete of a user that is there, its home and mail spool too with
 * {@code purge}, even while logged in with {@code force}. The changes are Salt's {@code {name:
 * "removed"}}, with {@code "<group> group": "removed"} for a group userdel removed with the user.
 */
final class UserAbsent implements StateFunction {
  private static final Set<String> KEYWORDS = Set.of("purge", "force");

  @Override
  public String name() {
    return "user.absent";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      String user = ShadowTools.account(name(), "name", call.name());
      Map<String, Object> info = Info.user(call.context(), user);
      if (info.isEmpty()) {
        return StateResult.ok("User " + user + " is not present");
      }
      if (call.test()) {
        return StateResult.wouldChange("User " + user + " set for removal", Map.of());
      }
      List<String> groups = Info.names(info, "groups");
      FunctionOutput out = call.context().call("user.delete",
          List.of(user, a.bool("purge", false), a.bool("force", false)), Map.of());
      if (!Boolean.TRUE.equals(out.value())) {
        return StateResult.failed("Failed to remove user " + user);
      }
      Map<String, Object> changes = new LinkedHashMap<>();
      for (String g : groups) {
        if (Info.group(call.context(), g).isEmpty()) {
          changes.put(g + " group", "removed");
        }
      }
      changes.put(user, "removed");
      return StateResult.changed("Removed user " + user, changes);
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }
}
