package io.brine.minion.functions.builtin.user;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.ListArgument;
import io.brine.minion.functions.builtin.SafeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code user.add NAME [uid] [gid] [groups] [home] [shell] [unique=True] [system=False] [fullname=]
 * [roomnumber=] [workphone=] [homephone=] [other=] [createhome=True] [nologinit=False]
 * [usergroup=]}: Salt's parameters in Salt's order; runs useradd, True when the user was made. The
 * GECOS fields go in with the user (useradd -c) rather than by chfn afterwards. loginclass
 * (OpenBSD) and root (a chroot) are refused.
 */
public final class UserAdd implements MinionFunction {
  static final List<String> POSITIONAL =
      List.of(
          "name",
          "uid",
          "gid",
          "groups",
          "home",
          "shell",
          "unique",
          "system",
          "fullname",
          "roomnumber",
          "workphone",
          "homephone",
          "other",
          "createhome",
          "loginclass",
          "nologinit",
          "root",
          "usergroup");

  private final Accounts accounts;

  public UserAdd() {
    this(Accounts.host());
  }

  UserAdd(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "user.add";
  }

  @Override
  public String doc() {
    return "Adds a user with useradd; True when it was added.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), POSITIONAL, Set.of());
    String user = SafeName.ACCOUNT.check(name(), "name", a.requiredString("name"));
    for (String refused : List.of("loginclass", "root")) {
      if (a.optionalString(refused).filter(s -> !s.isEmpty()).isPresent()) {
        throw new FunctionException(name() + ": '" + refused + "' is not supported by brine");
      }
    }
    List<String> argv = new ArrayList<>(List.of("useradd"));
    Optional<String> shell = AccountArguments.path(a, name(), "shell");
    if (shell.isPresent()) {
      argv.addAll(List.of("-s", shell.get()));
    }
    Optional<String> uid = AccountArguments.id(a, name(), "uid");
    if (uid.isPresent()) {
      argv.addAll(List.of("-u", uid.get()));
    }
    Optional<String> gid = a.optionalString("gid").filter(s -> !s.isEmpty());
    if (gid.isPresent()) {
      // A number or a group name, as useradd -g takes.
      String g = gid.get();
      argv.addAll(
          List.of("-g", g.matches("[0-9]+") ? g : SafeName.ACCOUNT.check(name(), "gid", g)));
    } else if (a.get("usergroup").isPresent()) {
      argv.add(a.bool("usergroup", false) ? "-U" : "-N");
    }
    if (a.get("groups").isPresent()) {
      List<String> groups = new ArrayList<>();
      for (Object g : ListArgument.of(name(), "groups", a.get("groups").get(), true)) {
        groups.add(SafeName.ACCOUNT.check(name(), "groups", String.valueOf(g)));
      }
      if (!groups.isEmpty()) {
        argv.addAll(List.of("-G", String.join(",", groups)));
      }
    }
    Optional<String> home = AccountArguments.path(a, name(), "home");
    if (home.isPresent()) {
      argv.addAll(List.of("-d", home.get()));
    }
    argv.add(a.bool("createhome", true) ? "-m" : "-M");
    if (a.bool("nologinit", false)) {
      argv.add("-l");
    }
    if (!a.bool("unique", true)) {
      argv.add("-o");
    }
    if (a.bool("system", false)) {
      argv.add("-r");
    }
    String gecos = gecos(a);
    if (!gecos.isEmpty()) {
      argv.addAll(List.of("-c", gecos));
    }
    argv.addAll(List.of("--", user));
    return accounts.change(name(), argv);
  }

  /** "fullname,roomnumber,workphone,homephone,other", empty fields at the end left off. */
  private String gecos(Arguments a) throws FunctionException {
    List<String> fields = new ArrayList<>();
    for (String f : List.of("fullname", "roomnumber", "workphone", "homephone", "other")) {
      fields.add(AccountArguments.gecosField(a, name(), f));
    }
    while (!fields.isEmpty() && fields.get(fields.size() - 1).isEmpty()) {
      fields.remove(fields.size() - 1);
    }
    return String.join(",", fields);
  }
}
