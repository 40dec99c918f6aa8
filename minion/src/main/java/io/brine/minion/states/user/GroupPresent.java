package io.brine.minion.states.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateContext;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code group.present}: makes the group with group.add ({@code gid}, {@code system}), or brings
 * an existing one to the gid (groupmod) and members given: {@code members} is the whole list
 * (gpasswd -M), {@code addusers} and {@code delusers} add and remove some (gpasswd -a / -d).
 * Salt's comments and changes: group.info of a new group, {"Final": "All changes applied
 * successfully"} for an existing one.
 */
final class GroupPresent implements StateFunction {
  private static final Set<String> KEYWORDS =
      Set.of("gid", "system", "members", "addusers", "delusers");

  @Override
  public String name() {
    return "group.present";
  }

  private record Wanted(Optional<Long> gid, Optional<List<String>> members, List<String> add,
      List<String> del) {}

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      String group = ShadowTools.account(name(), "name", call.name());
      Wanted w = wanted(a);
      if (w.members().isPresent() && (!w.add().isEmpty() || !w.del().isEmpty())) {
        return StateResult.failed("Error: Conflicting options \"members\" with \"addusers\""
            + " and/or \"delusers\" can not be used together. ");
      }
      if (w.add().stream().anyMatch(w.del()::contains)) {
        return StateResult.failed(
            "Error. Same user(s) can not be added and deleted simultaneously");
      }
      StateContext ctx = call.context();
      Map<String, Object> info = Info.group(ctx, group);
      if (info.isEmpty()) {
        return create(call, a, group, w);
      }
      Map<String, Object> changes = changes(info, w);
      if (changes.isEmpty()) {
        return StateResult.ok("Group " + group + " is present and up to date");
      }
      String comment = "The following group attributes are set to be changed: "
          + ShadowTools.describe(changes);
      if (call.test()) {
        return StateResult.wouldChange(comment, Map.of());
      }
      apply(ctx, group, changes);
      Map<String, Object> left = changes(Info.group(ctx, group), w);
      if (!left.isEmpty()) {
        return new StateResult(false, comment + " Some changes could not be applied",
            Map.of("Failed", left));
      }
      return StateResult.changed(comment, Map.of("Final", "All changes applied successfully"));
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }

  private Wanted wanted(Arguments a) throws FunctionException {
    Optional<Long> gid = Optional.empty();
    Optional<String> gidText = a.optionalString("gid").filter(s -> !s.isEmpty());
    if (gidText.isPresent()) {
      if (!gidText.get().matches("[0-9]{1,10}")) {
        throw new FunctionException(name() + ": 'gid' must be a number, got " + gidText.get());
      }
      gid = Optional.of(Long.parseLong(gidText.get()));
    }
    Optional<List<String>> members = a.get("members").isPresent()
        ? Optional.of(ShadowTools.names(name(), "members", a.get("members").get()))
        : Optional.empty();
    return new Wanted(gid, members,
        ShadowTools.names(name(), "addusers", a.get("addusers").orElse(null)),
        ShadowTools.names(name(), "delusers", a.get("delusers").orElse(null)));
  }

  private StateResult create(StateCall call, Arguments a, String group, Wanted w)
      throws FunctionException, InterruptedException {
    if (call.test()) {
      return StateResult.wouldChange("Group " + group + " set to be added", Map.of());
    }
    StateContext ctx = call.context();
    if (w.gid().isPresent()) {
      Optional<String> taken = ShadowTools.groupOfGid(ctx, w.gid().get());
      if (taken.isPresent()) {
        return StateResult.failed("Group " + group + " is not present but gid " + w.gid().get()
            + " is already taken by group " + taken.get());
      }
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    w.gid().ifPresent(g -> kwargs.put("gid", String.valueOf(g)));
    kwargs.put("system", a.bool("system", false));
    FunctionOutput out = ctx.call("group.add", List.of(group), kwargs);
    if (!Boolean.TRUE.equals(out.value())) {
      return StateResult.failed("Failed to create new group " + group);
    }
    List<String> members = w.members().orElse(w.add());
    if (!members.isEmpty()) {
      ShadowTools.run(ctx, List.of("gpasswd", "-M", String.join(",", members), group));
    }
    Map<String, Object> made = Info.group(ctx, group);
    Map<String, Object> left = changes(made, w);
    if (!left.isEmpty()) {
      return new StateResult(false, "Group " + group
          + " has been created but, some changes could not be applied", Map.of("Failed", left));
    }
    return StateResult.changed("New group " + group + " created", made);
  }

  /** Salt's group {@code _changes}: gid, members, and the users to add or delete. */
  private static Map<String, Object> changes(Map<String, Object> info, Wanted w) {
    Map<String, Object> change = new LinkedHashMap<>();
    if (w.gid().isPresent() && w.gid().get() != Info.number(info, "gid")) {
      change.put("gid", w.gid().get());
    }
    List<String> have = Info.names(info, "members");
    if (w.members().isPresent() && !new TreeSet<>(have).equals(new TreeSet<>(w.members().get()))) {
      change.put("members", w.members().get());
    }
    List<String> add = new ArrayList<>(w.add().stream().filter(u -> !have.contains(u)).toList());
    if (!add.isEmpty()) {
      change.put("addusers", add);
    }
    List<String> del = new ArrayList<>(w.del().stream().filter(have::contains).toList());
    if (!del.isEmpty()) {
      change.put("delusers", del);
    }
    return change;
  }

  private static void apply(StateContext ctx, String group, Map<String, Object> changes)
      throws FunctionException, InterruptedException {
    if (changes.containsKey("gid")) {
      ShadowTools.run(ctx, List.of("groupmod", "-g", String.valueOf(changes.get("gid")), "--",
          group));
    }
    if (changes.containsKey("members")) {
      ShadowTools.run(ctx,
          List.of("gpasswd", "-M", String.join(",", Info.names(changes, "members")), group));
    }
    for (String user : Info.names(changes, "addusers")) {
      ShadowTools.run(ctx, List.of("gpasswd", "-a", user, group));
    }
    for (String user : Info.names(changes, "delusers")) {
      ShadowTools.run(ctx, List.of("gpasswd", "-d", user, group));
    }
  }
}
