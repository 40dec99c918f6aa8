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
 * {@code user.present}: makes the user with user.add (the changes are then user.info of the new
 * user, as Salt's), or brings an existing one to the uid, gid, groups, home, shell and fullname
 * given with one usermod (the changes are the user.info keys that changed). As in Salt, a uid or
 * gid change needs allow_uid_change / allow_gid_change, the groups must exist, the primary group
 * does not count among the groups, and with remove_groups: False groups are only added.
 */
final class UserPresent implements StateFunction {
  private static final Set<String> KEYWORDS =
      Set.of("uid", "gid", "groups", "remove_groups", "home", "createhome", "shell", "system",
          "fullname", "allow_uid_change", "allow_gid_change");

  @Override
  public String name() {
    return "user.present";
  }

  /** What the state asks for, read and checked. */
  private record Wanted(Optional<Long> uid, Optional<String> gid, Optional<List<String>> groups,
      boolean removeGroups, Optional<String> home, Optional<String> shell,
      Optional<String> fullname) {}

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      String user = ShadowTools.account(name(), "name", call.name());
      Wanted w = wanted(a);
      StateContext ctx = call.context();
      if (w.groups().isPresent()) {
        List<String> missing = new ArrayList<>();
        for (String g : w.groups().get()) {
          if (Info.group(ctx, g).isEmpty()) {
            missing.add(g);
          }
        }
        if (!missing.isEmpty()) {
          return StateResult.failed(
              "The following group(s) are not present: " + String.join(",", missing));
        }
      }
      Map<String, Object> pre = Info.user(ctx, user);
      if (pre.isEmpty()) {
        return create(call, a, user, w);
      }
      Map<String, Object> changes = changes(ctx, pre, w);
      if (changes.isEmpty()) {
        return StateResult.ok("User " + user + " is present and up to date");
      }
      for (String id : List.of("uid", "gid")) {
        if (changes.containsKey(id) && !a.bool("allow_" + id + "_change", false)) {
          return StateResult.failed("Changing " + id + " (" + pre.get(id) + " -> "
              + changes.get(id) + ") not permitted, set allow_" + id + "_change to True to force"
              + " this change. Note that this will not change file ownership.");
        }
      }
      if (call.test()) {
        return StateResult.wouldChange("The following user attributes are set to be changed: "
            + ShadowTools.describe(changes), Map.of());
      }
      ShadowTools.run(ctx, usermod(user, pre, changes, w.removeGroups()));
      Map<String, Object> post = Info.user(ctx, user);
      Map<String, Object> made = new LinkedHashMap<>();
      post.forEach((k, v) -> {
        if (!v.equals(pre.get(k))) {
          made.put(k, v);
        }
      });
      Map<String, Object> left = changes(ctx, post, w);
      if (!left.isEmpty()) {
        return new StateResult(false,
            "These values could not be changed: " + ShadowTools.describe(left), made);
      }
      return StateResult.changed("Updated user " + user, made);
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }

  private Wanted wanted(Arguments a) throws FunctionException {
    Optional<Long> uid = Optional.empty();
    Optional<String> uidText = a.optionalString("uid").filter(s -> !s.isEmpty());
    if (uidText.isPresent()) {
      if (!uidText.get().matches("[0-9]{1,10}")) {
        throw new FunctionException(name() + ": 'uid' must be a number, got " + uidText.get());
      }
      uid = Optional.of(Long.parseLong(uidText.get()));
    }
    Optional<String> gid = a.optionalString("gid").filter(s -> !s.isEmpty());
    if (gid.isPresent() && !gid.get().matches("[0-9]{1,10}")) {
      ShadowTools.account(name(), "gid", gid.get());
    }
    Optional<List<String>> groups = a.get("groups").isPresent()
        ? Optional.of(ShadowTools.names(name(), "groups", a.get("groups").get()))
        : Optional.empty();
    Optional<String> home = a.optionalString("home").filter(s -> !s.isEmpty());
    if (home.isPresent()) {
      ShadowTools.path(name(), "home", home.get());
    }
    Optional<String> shell = a.optionalString("shell").filter(s -> !s.isEmpty());
    if (shell.isPresent()) {
      ShadowTools.path(name(), "shell", shell.get());
    }
    Optional<String> fullname = a.optionalString("fullname");
    if (fullname.isPresent() && !fullname.get().matches("[^:,\\p{Cntrl}]*")) {
      throw new FunctionException(
          name() + ": 'fullname' must not contain ':', ',' or control characters");
    }
    return new Wanted(uid, gid, groups, a.bool("remove_groups", true), home, shell, fullname);
  }

  private StateResult create(StateCall call, Arguments a, String user, Wanted w)
      throws FunctionException, InterruptedException {
    if (call.test()) {
      return StateResult.wouldChange("User " + user + " set to be added", Map.of());
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    w.uid().ifPresent(v -> kwargs.put("uid", String.valueOf(v)));
    w.gid().ifPresent(v -> kwargs.put("gid", v));
    w.groups().filter(g -> !g.isEmpty()).ifPresent(g -> kwargs.put("groups", g));
    w.home().ifPresent(v -> kwargs.put("home", v));
    w.shell().ifPresent(v -> kwargs.put("shell", v));
    w.fullname().ifPresent(v -> kwargs.put("fullname", v));
    kwargs.put("system", a.bool("system", false));
    kwargs.put("createhome", a.bool("createhome", true));
    FunctionOutput out = call.context().call("user.add", List.of(user), kwargs);
    if (!Boolean.TRUE.equals(out.value())) {
      return StateResult.failed("Failed to create new user " + user);
    }
    return StateResult.changed("New user " + user + " created", Info.user(call.context(), user));
  }

  /** Salt's {@code _changes}: the attributes that differ from what is wanted, as wanted. */
  private static Map<String, Object> changes(StateContext ctx, Map<String, Object> info, Wanted w)
      throws FunctionException, InterruptedException {
    Map<String, Object> change = new LinkedHashMap<>();
    if (w.uid().isPresent() && w.uid().get() != Info.number(info, "uid")) {
      change.put("uid", w.uid().get());
    }
    long gid = Info.number(info, "gid");
    if (w.gid().isPresent()) {
      long wantedGid = gidOf(ctx, w.gid().get());
      if (wantedGid != gid) {
        change.put("gid", w.gid().get());
        gid = wantedGid;
      }
    }
    if (w.groups().isPresent()) {
      Optional<String> primary = ShadowTools.groupOfGid(ctx, gid);
      TreeSet<String> have = new TreeSet<>(Info.names(info, "groups"));
      TreeSet<String> wanted = new TreeSet<>(w.groups().get());
      primary.ifPresent(have::remove);
      primary.ifPresent(wanted::remove);
      boolean differs = w.removeGroups() ? !have.equals(wanted) : !have.containsAll(wanted);
      if (differs) {
        change.put("groups", List.copyOf(wanted));
      }
    }
    if (w.home().isPresent() && !w.home().get().equals(info.get("home"))) {
      change.put("home", w.home().get());
    }
    if (w.shell().isPresent() && !w.shell().get().equals(info.get("shell"))) {
      change.put("shell", w.shell().get());
    }
    if (w.fullname().isPresent() && !w.fullname().get().equals(info.get("fullname"))) {
      change.put("fullname", w.fullname().get());
    }
    return change;
  }

  /** A gid given as a number or a group name, as a number; a group not there is a failure. */
  private static long gidOf(StateContext ctx, String gid)
      throws FunctionException, InterruptedException {
    if (gid.matches("[0-9]+")) {
      return Long.parseLong(gid);
    }
    Map<String, Object> group = Info.group(ctx, gid);
    if (group.isEmpty()) {
      throw new FunctionException("The following group(s) are not present: " + gid);
    }
    return Info.number(group, "gid");
  }

  /** One usermod for every change; the GECOS fields other than the full name are kept. */
  private static List<String> usermod(String user, Map<String, Object> info,
      Map<String, Object> changes, boolean removeGroups) {
    List<String> argv = new ArrayList<>(List.of("usermod"));
    if (changes.containsKey("uid")) {
      argv.addAll(List.of("-u", String.valueOf(changes.get("uid"))));
    }
    if (changes.containsKey("gid")) {
      argv.addAll(List.of("-g", String.valueOf(changes.get("gid"))));
    }
    if (changes.containsKey("groups")) {
      if (!removeGroups) {
        argv.add("-a");
      }
      argv.addAll(List.of("-G", String.join(",", Info.names(changes, "groups"))));
    }
    if (changes.containsKey("home")) {
      argv.addAll(List.of("-d", String.valueOf(changes.get("home"))));
    }
    if (changes.containsKey("shell")) {
      argv.addAll(List.of("-s", String.valueOf(changes.get("shell"))));
    }
    if (changes.containsKey("fullname")) {
      List<String> gecos = new ArrayList<>();
      gecos.add(String.valueOf(changes.get("fullname")));
      for (String f : List.of("roomnumber", "workphone", "homephone", "other")) {
        gecos.add(info.get(f) == null ? "" : String.valueOf(info.get(f)));
      }
      while (gecos.size() > 1 && gecos.get(gecos.size() - 1).isEmpty()) {
        gecos.remove(gecos.size() - 1);
      }
      argv.addAll(List.of("-c", String.join(",", gecos)));
    }
    argv.addAll(List.of("--", user));
    return argv;
  }
}
