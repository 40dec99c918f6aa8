package io.brine.minion.functions.builtin.user;

import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.builtin.Command;
import io.brine.minion.functions.builtin.CommandResult;
import io.brine.minion.functions.builtin.CommandRunner;
import io.brine.minion.functions.builtin.ToolFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account database through getent (so LDAP and sssd users count, as Salt's pwd module sees
 * them) and the shadow-utils programs that change it. Names have passed {@link
 * io.brine.minion.functions.builtin.SafeName#ACCOUNT}; "--" ends the options all the same.
 */
final class Accounts {
  /** getent's exit status for a key that is not in the database. */
  private static final int NOT_FOUND = 2;

  private static final Logger log = LoggerFactory.getLogger(Accounts.class);

  private static final Duration TIME = Duration.ofMinutes(1);

  private final CommandRunner runner;

  Accounts(CommandRunner runner) {
    this.runner = runner;
  }

  static Accounts host() {
    return new Accounts(CommandRunner.system());
  }

  /** One line of passwd(5), split. */
  record Passwd(
      String name, String passwd, long uid, long gid, String gecos, String home, String shell) {
    static Optional<Passwd> parse(String line) {
      String[] f = line.split(":", -1);
      if (f.length < 7) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Passwd(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f[4], f[5], f[6]));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /** One line of group(5), split. */
  record Group(String name, String passwd, long gid, List<String> members) {
    static Optional<Group> parse(String line) {
      String[] f = line.split(":", -1);
      if (f.length < 4) {
        return Optional.empty();
      }
      try {
        List<String> members =
            f[3].isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(f[3].split(",")));
        return Optional.of(new Group(f[0], f[1], Long.parseLong(f[2]), members));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  Optional<Passwd> user(String name) throws InterruptedException {
    return getent("passwd", name).flatMap(Passwd::parse);
  }

  List<Passwd> users() throws InterruptedException {
    List<Passwd> users = new ArrayList<>();
    for (String line : getent("passwd", null).orElse("").split("\n")) {
      Passwd.parse(line).ifPresent(users::add);
    }
    return users;
  }

  Optional<Group> group(String name) throws InterruptedException {
    return getent("group", name).flatMap(Group::parse);
  }

  /** The names of every group the user is in, the primary one included ({@code id -Gn}). */
  List<String> groupsOf(String name) throws InterruptedException {
    Command c = Command.of(List.of("id", "-Gn", "--", name), Map.of(), TIME);
    CommandResult r = runner.run(c);
    if (!r.ok()) {
      throw ToolFailure.of(c, r);
    }
    List<String> groups = new ArrayList<>();
    for (String g : r.stdout().strip().split("\\s+")) {
      if (!g.isEmpty()) {
        groups.add(g);
      }
    }
    groups.sort(null);
    return groups;
  }

  /**
   * Runs useradd, userdel or groupadd: True, or False with retcode 1 and the tool's error in the
   * minion's log (Salt returns False and logs it too).
   */
  FunctionOutput change(String function, List<String> argv) throws InterruptedException {
    CommandResult r = runner.run(Command.of(argv, Map.of(), TIME));
    if (r.ok()) {
      return FunctionOutput.ok(true);
    }
    log.warn("{}: {}", function, ToolFailure.describe(argv.get(0), r));
    return new FunctionOutput(false, 1);
  }

  private Optional<String> getent(String database, String key) throws InterruptedException {
    List<String> argv = new ArrayList<>(List.of("getent", database));
    if (key != null) {
      argv.addAll(List.of("--", key));
    }
    Command c = Command.of(argv, Map.of(), TIME);
    CommandResult r = runner.run(c);
    if (r.exit() == NOT_FOUND && key != null && !r.timedOut()) {
      return Optional.empty();
    }
    if (!r.ok()) {
      throw ToolFailure.of(c, r);
    }
    return Optional.of(r.stdout());
  }
}
