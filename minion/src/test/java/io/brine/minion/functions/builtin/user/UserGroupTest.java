package io.brine.minion.functions.builtin.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import io.brine.minion.functions.builtin.RecordingRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * user.* and group.* for real against this host's account database (useradd, userdel, groupadd,
 * getent; the tests run as root), and useradd's exact command line for every option.
 */
class UserGroupTest {
  private static final String USER = "brine-t-user";
  private static final String GROUP = "brine-t-grp";

  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  @AfterEach
  void cleanUp() throws Exception {
    run("userdel", "-r", USER);
    run("groupdel", GROUP);
  }

  private static void run(String... argv) throws Exception {
    new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor(30, TimeUnit.SECONDS);
  }

  private static void assumeRoot() {
    assumeTrue("root".equals(System.getProperty("user.name")), "adding users needs root");
  }

  @Test
  void groupAndUser_addInfoListAndDelete_forReal() throws Exception {
    assumeRoot();
    assertThat(new GroupInfo().call(ctx.call(GROUP))).isEqualTo(FunctionOutput.ok(Map.of()));

    assertThat(new GroupAdd().call(ctx.call(List.of(GROUP), Map.of("gid", "45678"))))
        .isEqualTo(FunctionOutput.ok(true));
    assertThat(new GroupAdd().call(ctx.call(GROUP)))
        .as("it exists already")
        .isEqualTo(new FunctionOutput(false, 1));

    FunctionOutput added =
        new UserAdd()
            .call(
                ctx.call(
                    List.of(USER),
                    Map.of(
                        "uid", 45679,
                        "groups", GROUP,
                        "shell", "/bin/sh",
                        "fullname", "Brine Test",
                        "roomnumber", "12",
                        "other", "ops")));

    assertThat(added).isEqualTo(FunctionOutput.ok(true));
    Map<String, Object> expected = new java.util.TreeMap<>();
    expected.put("name", USER);
    expected.put("passwd", "x");
    expected.put("uid", 45679L);
    expected.put("home", "/home/" + USER);
    expected.put("shell", "/bin/sh");
    expected.put("fullname", "Brine Test");
    expected.put("roomnumber", "12");
    expected.put("workphone", "");
    expected.put("homephone", "");
    expected.put("other", "ops");
    FunctionOutput info = new UserInfo().call(ctx.call(USER));
    @SuppressWarnings("unchecked")
    Map<String, Object> got = (Map<String, Object>) info.value();
    assertThat(got).containsAllEntriesOf(expected);
    assertThat(got)
        .containsOnlyKeys(
            "name",
            "passwd",
            "uid",
            "gid",
            "home",
            "shell",
            "fullname",
            "roomnumber",
            "workphone",
            "homephone",
            "other",
            "groups");
    assertThat(got.get("groups"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .contains(GROUP);
    assertThat(Path.of("/home/" + USER)).as("createhome=True by default").isDirectory();
    assertThat(new GroupInfo().call(ctx.call(GROUP)))
        .isEqualTo(
            FunctionOutput.ok(
                Map.of("name", GROUP, "passwd", "x", "gid", 45678L, "members", List.of(USER))));
    @SuppressWarnings("unchecked")
    List<String> users = (List<String>) new UserListUsers().call(ctx.call()).value();
    assertThat(users).contains("root", USER).isSorted();

    assertThat(new UserDelete().call(ctx.call(List.of(USER), Map.of("remove", true))))
        .isEqualTo(FunctionOutput.ok(true));
    assertThat(new UserInfo().call(ctx.call(USER))).isEqualTo(FunctionOutput.ok(Map.of()));
    assertThat(Files.exists(Path.of("/home/" + USER))).as("remove=True removes the home").isFalse();
    assertThat(new UserDelete().call(ctx.call(USER))).isEqualTo(new FunctionOutput(false, 1));
  }

  @Test
  void rootsInfo_isSaltsShape() throws Exception {
    FunctionOutput info = new UserInfo().call(ctx.call("root"));

    assertThat(info.value())
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("uid", 0L)
        .containsEntry("gid", 0L)
        .containsEntry("home", "/root")
        .containsEntry("fullname", "root")
        .containsEntry("groups", List.of("root"));
  }

  @Test
  void useradd_commandLine_forEverySaltOption() throws Exception {
    RecordingRunner runner = RecordingRunner.succeeding();

    new UserAdd(new Accounts(runner))
        .call(
            ctx.call(
                List.of(
                    "deploy", "2001", "web", List.of("adm", "sudo"), "/srv/deploy", "/bin/bash"),
                Map.of(
                    "unique", false,
                    "system", true,
                    "createhome", false,
                    "nologinit", true,
                    "fullname", "Deploy",
                    "workphone", "555")));
    new UserAdd(new Accounts(runner)).call(ctx.call(List.of("app"), Map.of("usergroup", false)));
    new UserDelete(new Accounts(runner))
        .call(ctx.call(List.of("app"), Map.of("remove", true, "force", true)));
    new GroupAdd(new Accounts(runner))
        .call(ctx.call(List.of("ops", 3000, true), Map.of("non_unique", true)));

    assertThat(runner.argvs())
        .containsExactly(
            List.of(
                "useradd",
                "-s",
                "/bin/bash",
                "-u",
                "2001",
                "-g",
                "web",
                "-G",
                "adm,sudo",
                "-d",
                "/srv/deploy",
                "-M",
                "-l",
                "-o",
                "-r",
                "-c",
                "Deploy,,555",
                "--",
                "deploy"),
            List.of("useradd", "-N", "-m", "--", "app"),
            List.of("userdel", "-r", "-f", "--", "app"),
            List.of("groupadd", "-g", "3000", "-r", "-o", "--", "ops"));
  }

  @Test
  void badNamesAndValues_areRefused_andNothingRuns() {
    RecordingRunner runner = RecordingRunner.succeeding();
    Accounts accounts = new Accounts(runner);

    assertThatThrownBy(() -> new UserAdd(accounts).call(ctx.call("-o")))
        .isInstanceOf(FunctionException.class)
        .hasMessage("user.add: 'name' is not a valid user or group name: '-o'");
    assertThatThrownBy(
            () -> new UserAdd(accounts).call(ctx.call(List.of("a"), Map.of("groups", "adm,--x"))))
        .hasMessage("user.add: 'groups' is not a valid user or group name: '--x'");
    assertThatThrownBy(
            () -> new UserAdd(accounts).call(ctx.call(List.of("a"), Map.of("uid", "-1"))))
        .hasMessage("user.add: 'uid' must be a number, got -1");
    assertThatThrownBy(
            () -> new UserAdd(accounts).call(ctx.call(List.of("a"), Map.of("home", "rel/dir"))))
        .hasMessage("user.add: 'home' must be an absolute path without ':', got rel/dir");
    assertThatThrownBy(
            () -> new UserAdd(accounts).call(ctx.call(List.of("a"), Map.of("fullname", "a:b"))))
        .hasMessage("user.add: 'fullname' must not contain ':', ',' or control characters");
    assertThatThrownBy(
            () -> new UserAdd(accounts).call(ctx.call(List.of("a"), Map.of("root", "/mnt"))))
        .hasMessage("user.add: 'root' is not supported by brine");
    assertThatThrownBy(
            () -> new UserAdd(accounts).call(ctx.call(List.of("a"), Map.of("password", "x"))))
        .hasMessage("user.add got an unexpected keyword argument 'password'");
    assertThatThrownBy(() -> new UserDelete(accounts).call(ctx.call("root;id")))
        .hasMessage("user.delete: 'name' is not a valid user or group name: 'root;id'");
    assertThatThrownBy(() -> new UserInfo(accounts).call(ctx.call()))
        .hasMessage("user.info is missing the required argument 'name'");
    assertThatThrownBy(
            () -> new GroupAdd(accounts).call(ctx.call(List.of("g"), Map.of("gid", "x"))))
        .hasMessage("group.add: 'gid' must be a number, got x");
    assertThatThrownBy(() -> new GroupInfo(accounts).call(ctx.call("--help")))
        .hasMessage("group.info: 'name' is not a valid user or group name: '--help'");
    assertThatThrownBy(() -> new UserListUsers(accounts).call(ctx.call("x")))
        .hasMessage("user.list_users takes no positional arguments, 1 given");
    assertThat(runner.commands()).isEmpty();
  }
}
