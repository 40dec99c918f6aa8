package io.brine.minion.states.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.brine.minion.states.StateRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cron states on real crontabs, as root, of a user made for each test (brtest plus random
 * hex), removed afterwards with its crontab. crontab comes from scripts/ensure-cron.sh when it is
 * missing; when that cannot install it the tests fail saying so.
 */
class CronStatesTest {
  @TempDir Path root;
  @TempDir Path work;

  private String user;
  private StateRuns runs;

  @BeforeAll
  static void crontabInstalled() throws Exception {
    if (exec(null, "sh", "-c", "command -v crontab").exit() == 0) {
      return;
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("scripts/ensure-cron.sh"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      fail("crontab is not installed and scripts/ensure-cron.sh was not found above "
          + Path.of("").toAbsolutePath());
    }
    Result r = exec(null, dir.resolve("scripts/ensure-cron.sh").toString());
    if (r.exit() != 0) {
      fail("crontab is not installed and scripts/ensure-cron.sh could not install it: " + r.out());
    }
  }

  @BeforeEach
  void user() throws Exception {
    assertTrue("root".equals(System.getProperty("user.name")), "other users' crontabs need root");
    byte[] b = new byte[4];
    ThreadLocalRandom.current().nextBytes(b);
    user = "brtest" + HexFormat.of().formatHex(b);
    assertThat(exec(null, "useradd", "-M", user).exit()).isZero();
    runs = new StateRuns(root);
  }

  @AfterEach
  void cleanUp() throws Exception {
    exec(null, "crontab", "-u", user, "-r");
    exec(null, "userdel", user);
  }

  private record Result(int exit, String out) {}

  private static Result exec(String input, String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    if (input != null) {
      p.getOutputStream().write(input.getBytes());
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private String crontab() throws Exception {
    Result r = exec(null, "crontab", "-u", user, "-l");
    return r.exit() == 0 ? r.out() : "";
  }

  private Map<String, Object> apply(String sls, Object... kwargs) throws Exception {
    runs.file("c.sls", sls);
    Map<String, Map<String, Object>> byId = StateRuns.byId(runs.apply("c", kwargs));
    assertThat(byId).hasSize(1);
    return byId.values().iterator().next();
  }

  private String present(String minute) {
    return """
        /bin/true:
          cron.present:
            - user: %s
            - minute: "%s"
        """.formatted(user, minute);
  }

  @Test
  void present_addsUnderSaltsMarker_once_keepingTheLinesItDoesNotManage() throws Exception {
    String theirs = "MAILTO=ops@example.invalid\n0 1 * * * /bin/unmanaged\n";
    assertThat(exec(theirs, "crontab", "-u", user, "-").exit()).isZero();

    Map<String, Object> would = apply(present("*/5"), "test", true);
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment")).isEqualTo("Cron /bin/true is set to be added");
    assertThat(crontab()).isEqualTo(theirs);

    Map<String, Object> r = apply(present("*/5"));
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("Cron /bin/true added to " + user + "'s crontab");
    assertThat(r.get("changes")).isEqualTo(Map.of(user, "/bin/true"));
    assertThat(crontab()).isEqualTo(theirs
        + "# Lines below here are managed by Salt, do not edit\n"
        + "# SALT_CRON_IDENTIFIER:/bin/true\n"
        + "*/5 * * * * /bin/true\n");

    Map<String, Object> again = apply(present("*/5"));
    assertThat(again.get("comment")).isEqualTo("Cron /bin/true already present");
    assertThat(again.get("changes")).isEqualTo(Map.of());

    Map<String, Object> would2 = apply(present("7"), "test", true);
    assertThat(would2.get("comment")).isEqualTo("Cron /bin/true is set to be updated");
    Map<String, Object> updated = apply(present("7"));
    assertThat(updated.get("comment")).isEqualTo("Cron /bin/true updated");
    assertThat(crontab()).endsWith("# SALT_CRON_IDENTIFIER:/bin/true\n7 * * * * /bin/true\n")
        .doesNotContain("*/5");
  }

  @Test
  void identifierCommentAndSpecial_areWrittenAsSaltWritesThem() throws Exception {
    String sls = """
        greet:
          cron.present:
            - name: echo hi
            - user: %s
            - identifier: greeting
            - comment: say hi
            - special: "@reboot"
        """.formatted(user);
    Map<String, Object> r = apply(sls);
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(crontab()).isEqualTo("# Lines below here are managed by Salt, do not edit\n"
        + "# say hi SALT_CRON_IDENTIFIER:greeting\n@reboot echo hi\n");
    assertThat(apply(sls).get("comment")).isEqualTo("Cron echo hi already present");

    // The same identifier with another command is the same entry, updated.
    Map<String, Object> moved = apply("""
        greet:
          cron.present:
            - name: echo hello
            - user: %s
            - identifier: greeting
            - hour: "6"
            - minute: "0"
        """.formatted(user));
    assertThat(moved.get("comment")).isEqualTo("Cron echo hello updated");
    assertThat(crontab()).isEqualTo("# Lines below here are managed by Salt, do not edit\n"
        + "# say hi SALT_CRON_IDENTIFIER:greeting\n0 6 * * * echo hello\n");
  }

  @Test
  void aCrontabSaltWrote_isReadAsItsOwn() throws Exception {
    String salts = "# Lines below here are managed by Salt, do not edit\n"
        + "SHELL=/bin/sh\n"
        + "# SALT_CRON_IDENTIFIER:backup\n"
        + "30 2 * * * /usr/local/bin/backup\n"
        + "# SALT_CRON_IDENTIFIER:old\n"
        + "#DISABLED#0 0 * * 0 /bin/old\n";
    assertThat(exec(salts, "crontab", "-u", user, "-").exit()).isZero();

    Map<String, Object> r = apply("""
        backup:
          cron.present:
            - name: /usr/local/bin/backup
            - user: %s
            - identifier: backup
            - minute: "30"
            - hour: "2"
        """.formatted(user));
    assertThat(r.get("comment")).isEqualTo("Cron /usr/local/bin/backup already present");

    Map<String, Object> disabled = apply("""
        old:
          cron.present:
            - name: /bin/old
            - user: %s
            - identifier: old
            - minute: "0"
            - hour: "0"
            - dayweek: "0"
            - commented: true
        """.formatted(user));
    assertThat(disabled.get("comment")).isEqualTo("Cron /bin/old already present");
    assertThat(crontab()).isEqualTo(salts);
  }

  @Test
  void absent_removesTheEntryAndItsMarker_onlyOutsideTestMode() throws Exception {
    apply(present("*/5"));
    String absent = """
        /bin/true:
          cron.absent:
            - user: %s
        """.formatted(user);

    Map<String, Object> would = apply(absent, "test", true);
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment")).isEqualTo("Cron /bin/true is set to be removed");
    assertThat(crontab()).contains("/bin/true");

    Map<String, Object> r = apply(absent);
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("Cron /bin/true removed from " + user + "'s crontab");
    assertThat(r.get("changes")).isEqualTo(Map.of(user, "/bin/true"));
    assertThat(crontab()).isEqualTo("# Lines below here are managed by Salt, do not edit\n");

    assertThat(apply(absent).get("comment")).isEqualTo("Cron /bin/true already absent");
    assertThat(apply(absent, "test", true).get("comment")).isEqualTo("Cron /bin/true is absent");
  }

  @Test
  void failures_areResultFalse_inOneLine() throws Exception {
    Map<String, Object> special = apply("""
        x:
          cron.present:
            - name: /bin/true
            - user: %s
            - special: "@sometimes"
        """.formatted(user));
    assertThat(special.get("result")).isEqualTo(false);
    assertThat((String) special.get("comment")).contains("'special' must be one of");

    Map<String, Object> nobody = apply("""
        x:
          cron.present:
            - name: /bin/true
            - user: brnosuchuser
        """);
    assertThat(nobody.get("result")).isEqualTo(false);
    assertThat((String) nobody.get("comment"))
        .startsWith("Failed reading the crontab of brnosuchuser: ").doesNotContain("\n");

    Map<String, Object> field = apply("""
        x:
          cron.present:
            - name: /bin/true
            - user: %s
            - minute: "1 2"
        """.formatted(user));
    assertThat(field.get("result")).isEqualTo(false);
    assertThat(crontab()).isEmpty();
  }
}
