package io.brine.minion.states.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brine.minion.states.StateRuns;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account states for real, as root: useradd, usermod, userdel, groupadd and gpasswd on
 * accounts named brtest plus random hex, removed after each test whatever it left.
 */
class UserStatesTest {
  @TempDir Path root;
  @TempDir Path homes;

  private String user;
  private String group;
  private StateRuns runs;

  @BeforeEach
  void names() {
    assertTrue("root".equals(System.getProperty("user.name")), "account changes need root");
    byte[] b = new byte[4];
    ThreadLocalRandom.current().nextBytes(b);
    String hex = HexFormat.of().formatHex(b);
    user = "brtest" + hex;
    group = "brtestg" + hex;
    runs = new StateRuns(root);
  }

  @AfterEach
  void cleanUp() throws Exception {
    run("userdel", "-r", user);
    run("groupdel", user);
    run("groupdel", group);
  }

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 ? out : null;
  }

  private Map<String, Object> apply(String sls, Object... kwargs) throws Exception {
    runs.file("u.sls", sls);
    Map<String, Map<String, Object>> byId = StateRuns.byId(runs.apply("u", kwargs));
    assertThat(byId).hasSize(1);
    return byId.values().iterator().next();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> changes(Map<String, Object> ret) {
    return (Map<String, Object>) ret.get("changes");
  }

  private String present(String shell) {
    return """
        %s:
          user.present:
            - home: %s/%s
            - shell: %s
            - fullname: Brine Test
        """.formatted(user, homes, user, shell);
  }

  @Test
  void present_createsOnce_withUserInfoAsTheChanges_andTestModeCreatesNothing() throws Exception {
    Map<String, Object> would = apply(present("/bin/sh"), "test", true);
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment")).isEqualTo("User " + user + " set to be added");
    assertThat(run("getent", "passwd", user)).isNull();

    Map<String, Object> r = apply(present("/bin/sh"));
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("New user " + user + " created");
    assertThat(changes(r)).containsEntry("name", user).containsEntry("shell", "/bin/sh")
        .containsEntry("home", homes + "/" + user).containsEntry("fullname", "Brine Test")
        .containsKeys("uid", "gid", "groups");
    assertThat(run("getent", "passwd", user)).endsWith(":Brine Test:" + homes + "/" + user
        + ":/bin/sh");
    assertThat(homes.resolve(user)).isDirectory();

    Map<String, Object> again = apply(present("/bin/sh"));
    assertThat(again.get("result")).isEqualTo(true);
    assertThat(again.get("comment")).isEqualTo("User " + user + " is present and up to date");
    assertThat(changes(again)).isEmpty();
  }

  @Test
  void present_changesAnExistingUser_onlyWhatDiffers() throws Exception {
    apply(present("/bin/sh"));

    Map<String, Object> would = apply(present("/bin/bash"), "test", true);
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment"))
        .isEqualTo("The following user attributes are set to be changed: shell: /bin/bash");
    assertThat(run("getent", "passwd", user)).endsWith(":/bin/sh");

    Map<String, Object> r = apply(present("/bin/bash"));
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("Updated user " + user);
    assertThat(changes(r)).isEqualTo(Map.of("shell", "/bin/bash"));
    assertThat(run("getent", "passwd", user)).endsWith(":/bin/bash");

    String uid = run("id", "-u", user);
    Map<String, Object> uidChange = apply("""
        %s:
          user.present:
            - uid: %d
        """.formatted(user, Long.parseLong(uid) + 1));
    assertThat(uidChange.get("result")).isEqualTo(false);
    assertThat((String) uidChange.get("comment"))
        .startsWith("Changing uid (" + uid + " -> ").contains("allow_uid_change");
    assertThat(run("id", "-u", user)).isEqualTo(uid);
  }

  @Test
  void groups_mustExist_andAreSetWithoutThePrimaryGroup() throws Exception {
    Map<String, Object> missing = apply("""
        %s:
          user.present:
            - groups: [%s]
        """.formatted(user, group));
    assertThat(missing.get("result")).isEqualTo(false);
    assertThat(missing.get("comment"))
        .isEqualTo("The following group(s) are not present: " + group);
    assertThat(run("getent", "passwd", user)).isNull();

    Map<String, Object> made = apply("""
        %s:
          group.present
        """.formatted(group));
    assertThat(made.get("comment")).isEqualTo("New group " + group + " created");
    assertThat(changes(made)).containsEntry("name", group).containsEntry("members", List.of());

    apply("""
        %s:
          user.present:
            - createhome: false
        """.formatted(user));
    String withGroups = """
        %s:
          user.present:
            - groups: [%s, %s]
            - createhome: false
        """.formatted(user, user, group);
    Map<String, Object> r = apply(withGroups);
    assertThat(r.get("comment")).isEqualTo("Updated user " + user);
    assertThat(changes(r)).isEqualTo(Map.of("groups", List.of(user, group)));
    assertThat(run("id", "-Gn", user).split(" ")).containsExactlyInAnyOrder(user, group);
    assertThat(changes(apply(withGroups))).isEmpty();
  }

  @Test
  void groupPresent_setsGidAndMembers_andIsIdempotent() throws Exception {
    apply("""
        %s:
          user.present:
            - createhome: false
        """.formatted(user));
    apply("""
        %s:
          group.present
        """.formatted(group));
    long gid = 42000 + ThreadLocalRandom.current().nextInt(1000);
    while (run("getent", "group", String.valueOf(gid)) != null) {
      gid++;
    }
    String sls = """
        %s:
          group.present:
            - gid: %d
            - members: [%s]
        """.formatted(group, gid, user);

    Map<String, Object> would = apply(sls, "test", true);
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment")).isEqualTo(
        "The following group attributes are set to be changed: gid: " + gid + ", members: "
            + user);
    assertThat(run("getent", "group", group)).doesNotContain(":" + gid + ":");

    Map<String, Object> r = apply(sls);
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(changes(r)).isEqualTo(Map.of("Final", "All changes applied successfully"));
    assertThat(run("getent", "group", group)).isEqualTo(group + ":x:" + gid + ":" + user);

    Map<String, Object> again = apply(sls);
    assertThat(again.get("comment")).isEqualTo("Group " + group + " is present and up to date");
    assertThat(changes(again)).isEmpty();

    Map<String, Object> conflict = apply("""
        %s:
          group.present:
            - members: [%s]
            - addusers: [%s]
        """.formatted(group, user, user));
    assertThat(conflict.get("result")).isEqualTo(false);
  }

  @Test
  void absent_removesTheUserAndItsGroup_onlyOutsideTestMode() throws Exception {
    apply(present("/bin/sh"));
    String absent = """
        %s:
          user.absent:
            - purge: true
        """.formatted(user);

    Map<String, Object> would = apply(absent, "test", true);
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment")).isEqualTo("User " + user + " set for removal");
    assertThat(run("getent", "passwd", user)).isNotNull();

    Map<String, Object> r = apply(absent);
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("Removed user " + user);
    assertThat(changes(r)).isEqualTo(Map.of(user, "removed", user + " group", "removed"));
    assertThat(run("getent", "passwd", user)).isNull();
    assertThat(homes.resolve(user)).doesNotExist();

    Map<String, Object> again = apply(absent);
    assertThat(again.get("result")).isEqualTo(true);
    assertThat(again.get("comment")).isEqualTo("User " + user + " is not present");
  }

  @Test
  void badValues_areResultFalse_inOneLine() throws Exception {
    Map<String, Object> r = apply("""
        %s:
          user.present:
            - shell: "bin/sh"
        """.formatted(user));
    assertThat(r.get("result")).isEqualTo(false);
    assertThat((String) r.get("comment")).contains("'shell' must be an absolute path");
    assertThat(run("getent", "passwd", user)).isNull();
  }
}
