package io.brine.minion.functions.builtin.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** file.replace on real files, with Salt's arguments and return values. */
class FileReplaceTest {
  @TempDir Path dir;

  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));
  private final FileReplace replace = new FileReplace();

  private FunctionOutput run(Path f, String pattern, String repl, Map<String, Object> kwargs)
      throws Exception {
    List<Object> args = new ArrayList<>(List.of(f.toString(), pattern, repl));
    return replace.call(ctx.call(args, kwargs));
  }

  @Test
  void replaces_returnsSaltsUnifiedDiff_andKeepsABackup() throws Exception {
    Path f =
        Files.writeString(dir.resolve("sshd_config"), "Port 22\nPermitRootLogin yes\nUsePAM yes\n");

    FunctionOutput out = run(f, "^PermitRootLogin .*$", "PermitRootLogin no", Map.of());

    assertThat(out)
        .isEqualTo(
            FunctionOutput.ok(
                "--- \n"
                    + "+++ \n"
                    + "@@ -1,3 +1,3 @@\n"
                    + " Port 22\n"
                    + "-PermitRootLogin yes\n"
                    + "+PermitRootLogin no\n"
                    + " UsePAM yes\n"));
    assertThat(f).hasContent("Port 22\nPermitRootLogin no\nUsePAM yes\n");
    assertThat(dir.resolve("sshd_config.bak"))
        .hasContent("Port 22\nPermitRootLogin yes\nUsePAM yes\n");
    assertThat(run(f, "^PermitRootLogin .*$", "PermitRootLogin no", Map.of()).value())
        .as("nothing left to change: an empty diff")
        .isEqualTo("");
  }

  @Test
  void preserveInode_isTheDefault_andFalseRenamesANewFileIn() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "a=1\n");
    Object inode = Files.getAttribute(f, "unix:ino");

    run(f, "1", "2", Map.of("backup", false));
    assertThat(Files.getAttribute(f, "unix:ino")).isEqualTo(inode);
    run(f, "2", "3", Map.of("backup", "false", "preserve_inode", false));
    assertThat(Files.getAttribute(f, "unix:ino")).isNotEqualTo(inode);
    assertThat(f).hasContent("a=3\n");
    assertThat(dir.resolve("f.bak")).doesNotExist();
  }

  @Test
  void countFlagsAndGroups_areReadAsPythonsReSub() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x=1\nX=2\nx=3\n");

    run(f, "x=(\\d)", "x=<\\1>", Map.of("count", 1, "backup", ""));
    assertThat(f).hasContent("x=<1>\nX=2\nx=3\n");
    run(
        f,
        "^(?P<k>x)=(\\d)$",
        "\\g<k>:\\2",
        Map.of("flags", List.of("IGNORECASE", "MULTILINE"), "backup", ""));
    assertThat(f).hasContent("x=<1>\nX:2\nx:3\n");
    run(f, "<1>\\n", "\\\\n", Map.of("flags", "8", "backup", ""));
    assertThat(f).as("\\\\ is a backslash").hasContent("x=\\nX:2\nx:3\n");
    run(f, "\\\\n", "$0 \\1", Map.of("backslash_literal", true, "backup", ""));
    assertThat(f).hasContent("x=$0 \\1X:2\nx:3\n");
  }

  @Test
  void showChangesFalse_dryRun_andSearchOnly_returnBooleans() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "a\nb\n");

    assertThat(run(f, "a", "A", Map.of("show_changes", false, "dry_run", true)).value())
        .isEqualTo(true);
    assertThat(f).hasContent("a\nb\n");
    assertThat(dir.resolve("f.bak")).doesNotExist();
    assertThat(run(f, "b", "X", Map.of("search_only", true)).value()).isEqualTo(true);
    assertThat(run(f, "zz", "X", Map.of("search_only", true)).value()).isEqualTo(false);
    assertThat(run(f, "zz", "X", Map.of("show_changes", false)).value()).isEqualTo(false);
    assertThat(f).hasContent("a\nb\n");
  }

  @Test
  void appendAndPrependIfNotFound_addTheContentOnce() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "one\ntwo");

    run(f, "^three$", "three", Map.of("append_if_not_found", true, "backup", false));
    assertThat(f).hasContent("one\ntwo\nthree\n");
    run(f, "^three$", "three", Map.of("append_if_not_found", true, "backup", false));
    assertThat(f).as("found: nothing added").hasContent("one\ntwo\nthree\n");
    run(
        f,
        "^# managed$",
        "x",
        Map.of("prepend_if_not_found", true, "not_found_content", "# managed", "backup", false));
    assertThat(f).hasContent("# managed\none\ntwo\nthree\n");
    run(
        f,
        "^# managed$",
        "x",
        Map.of("prepend_if_not_found", true, "not_found_content", "# managed", "backup", false));
    assertThat(f).hasContent("x\none\ntwo\nthree\n");
  }

  @Test
  void missingFiles_binaryFiles_andHugeFiles_areErrors_andNothingIsWritten() throws Exception {
    Path none = dir.resolve("none");
    assertThat(run(none, "a", "b", Map.of()))
        .isEqualTo(new FunctionOutput("ERROR: " + none + " does not exist", 1));
    assertThat(run(none, "a", "b", Map.of("ignore_if_missing", true)))
        .isEqualTo(FunctionOutput.ok(false));
    assertThat(none).doesNotExist();

    Path bin = Files.write(dir.resolve("bin"), new byte[] {'a', 0, 'b'});
    assertThat(run(bin, "a", "b", Map.of()))
        .isEqualTo(
            new FunctionOutput(
                "ERROR: Cannot perform string replacements on a binary file: " + bin, 1));

    Path huge = Files.write(dir.resolve("huge"), new byte[FileReplace.MAX_BYTES + 1]);
    assertThat((String) run(huge, "a", "b", Map.of()).value())
        .contains("is larger than 10485760 bytes");
    try (var names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("bin", "huge");
    }
  }

  @Test
  void badArguments_areOneLineErrors() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "a\n");
    assertThatThrownBy(() -> run(f, "(", "b", Map.of()))
        .isInstanceOf(FunctionException.class)
        .hasMessageStartingWith("file.replace: 'pattern' is not a valid regular expression: ");
    assertThatThrownBy(() -> run(f, "a", "\\2", Map.of()))
        .hasMessage("file.replace: 'repl' refers to group 2, which the pattern does not have");
    assertThatThrownBy(() -> run(f, "a", "\\q", Map.of()))
        .hasMessage("file.replace: 'repl' has a bad escape \\q");
    assertThatThrownBy(() -> run(f, "a", "b", Map.of("flags", "MULTILNE")))
        .hasMessageStartingWith("file.replace: unknown regex flag 'MULTILNE'");
    assertThatThrownBy(() -> run(f, "a", "b", Map.of("count", -1)))
        .hasMessage("file.replace: 'count' must be a whole number, 0 or more");
    assertThatThrownBy(
            () -> run(f, "a", "b", Map.of("search_only", true, "append_if_not_found", true)))
        .hasMessage(
            "file.replace: search_only cannot be used with append_if_not_found or"
                + " prepend_if_not_found");
    assertThatThrownBy(() -> run(f, "a", "b", Map.of("backup", "../x")))
        .hasMessage("file.replace: 'backup' is an extension such as .bak, not a path");
    assertThatThrownBy(() -> run(f, "a", "b", Map.of("bakup", ".b")))
        .hasMessage("file.replace got an unexpected keyword argument 'bakup'");
    assertThatThrownBy(() -> replace.call(ctx.call(f.toString(), "a")))
        .hasMessage("file.replace is missing the required argument 'repl'");
    assertThat(f).hasContent("a\n");
  }

  @Test
  @Timeout(20)
  void aPatternThatBacktracksForever_stopsWhenTheJobIsInterrupted() {
    Pattern evil = Pattern.compile("(a+)+b");
    String text = "a".repeat(64);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () ->
                  PythonRegex.subn(
                      "file.replace", evil, PythonRegex.template("f", "x", false), text, 0))
          .isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void diff_hasSeparateHunks_forChangesFarApart_andOneForLineCountChanges() {
    StringBuilder a = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      a.append("line").append(i).append('\n');
    }
    String b = a.toString().replace("line2\n", "LINE2\n").replace("line19\n", "LINE19\n");
    assertThat(UnifiedDiff.of(a.toString(), b, 100_000))
        .isEqualTo(
            "--- \n+++ \n"
                + "@@ -1,5 +1,5 @@\n line1\n-line2\n+LINE2\n line3\n line4\n line5\n"
                + "@@ -16,5 +16,5 @@\n line16\n line17\n line18\n-line19\n+LINE19\n line20\n");
    assertThat(UnifiedDiff.of("a\nb\n", "a\nx\ny\nb\n", 100_000))
        .isEqualTo("--- \n+++ \n@@ -1,2 +1,4 @@\n a\n+x\n+y\n b\n");
    assertThat(UnifiedDiff.of("", "new\n", 100_000)).isEqualTo("--- \n+++ \n@@ -0,0 +1 @@\n+new\n");
    assertThat(UnifiedDiff.of(a.toString(), a.toString().toUpperCase(), 60))
        .endsWith(UnifiedDiff.TRUNCATED);
  }
}
