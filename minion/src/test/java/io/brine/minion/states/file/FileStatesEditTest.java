package io.brine.minion.states.file;

import static io.brine.minion.states.file.FileStateRuns.changes;
import static io.brine.minion.states.file.FileStateRuns.mode;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** file.line and file.replace through the real state.apply. */
class FileStatesEditTest {
  private FileStateRuns t;
  private Path conf;

  @BeforeEach
  void setUp(@TempDir Path tmp) throws Exception {
    t = new FileStateRuns(tmp);
    conf = Files.writeString(t.out.resolve("app.conf"), """
        [main]
            user = app
        port = 80
        # end
        """);
    Files.setPosixFilePermissions(conf, Perms.bits(0640));
  }

  private Map<String, Object> line(String args, Object... kwargs) throws Exception {
    return t.one("""
        l:
          file.line:
            - name: %s/app.conf
        """ + args.indent(4), kwargs);
  }

  @Test
  void ensureAfterInsertsOnceWithTheIndentThenChangesNothing() throws Exception {
    String args = """
        - mode: ensure
        - content: group = app
        - after: 'user = '
        """;
    Map<String, Object> test = line(args, "test", true);
    assertThat(test.get("result")).isNull();
    assertThat(test.get("comment")).isEqualTo("Changes would be made");
    assertThat(Files.readString(conf)).doesNotContain("group");

    Map<String, Object> ret = line(args);
    assertThat(ret.get("result")).isEqualTo(true);
    assertThat(ret.get("comment")).isEqualTo("Changes were made");
    assertThat(changes(ret)).isEqualTo(Map.of("diff",
        "--- \n+++ \n@@ -1,4 +1,5 @@\n [main]\n     user = app\n+    group = app\n port = 80\n"
            + " # end\n"));
    assertThat(Files.readString(conf))
        .isEqualTo("[main]\n    user = app\n    group = app\nport = 80\n# end\n");
    assertThat(mode(conf)).isEqualTo("0640");
    FileStateRuns.noTempFiles(t.out);

    Map<String, Object> again = line(args);
    assertThat(again.get("comment")).isEqualTo("No changes needed to be made");
    assertThat(changes(again)).isEmpty();
  }

  @Test
  void replaceTheMatchingLineAndDeleteIt() throws Exception {
    Map<String, Object> replaced = line("""
        - mode: replace
        - match: '^port ='
        - content: port = 8080
        """);
    assertThat(replaced.get("result")).isEqualTo(true);
    assertThat(Files.readString(conf)).contains("\nport = 8080\n").doesNotContain("port = 80\n#");

    Map<String, Object> deleted = line("""
        - mode: delete
        - match: '# end'
        """);
    assertThat(deleted.get("result")).isEqualTo(true);
    assertThat(Files.readString(conf)).isEqualTo("[main]\n    user = app\nport = 8080\n");
  }

  @Test
  void insertAtStartAndEnd() throws Exception {
    line("""
        - mode: insert
        - location: start
        - content: '# managed by brine'
        """);
    line("""
        - mode: insert
        - location: end
        - content: 'debug = false'
        """);
    assertThat(Files.readString(conf)).isEqualTo(
        "# managed by brine\n[main]\n    user = app\nport = 80\n# end\ndebug = false\n");
  }

  @Test
  void lineFailuresAreOneLineAndChangeNothing() throws Exception {
    assertThat(line("- content: x\n").get("comment"))
        .isEqualTo("Mode was not defined. How to process the file?");
    assertThat(line("- mode: ensure\n").get("comment"))
        .isEqualTo("Content can only be empty if mode is ['delete']");
    assertThat(line("- mode: ensure\n- content: x\n- after: '^nothing-like-this$'\n")
        .get("comment")).isEqualTo("Found less than expected occurrences in \"after\" expression");
    Map<String, Object> missing = t.one("""
        l:
          file.line:
            - name: %s/missing
            - mode: ensure
            - content: x
            - after: y
        """);
    assertThat(missing.get("result")).isEqualTo(false);
    assertThat(missing.get("comment")).isEqualTo(t.out.resolve("missing") + ": file not found");
    assertThat(Files.readString(conf)).isEqualTo("[main]\n    user = app\nport = 80\n# end\n");
  }

  @Test
  void lineCreateMakesTheFileWithItsMode() throws Exception {
    Map<String, Object> ret = t.one("""
        l:
          file.line:
            - name: %s/new.conf
            - mode: insert
            - location: end
            - content: a = 1
            - create: True
            - file_mode: '0600'
        """);
    assertThat(ret.get("result")).as("%s", ret).isEqualTo(true);
    assertThat(Files.readString(t.out.resolve("new.conf"))).isEqualTo("a = 1");
    assertThat(mode(t.out.resolve("new.conf"))).isEqualTo("0600");
  }

  @Test
  void replaceSubstitutesWithGroupsThenChangesNothing() throws Exception {
    String sls = """
        r:
          file.replace:
            - name: %s/app.conf
            - pattern: '^port = (\\d+)$'
            - repl: 'port = 8\\1'
            - backup: False
        """;
    Map<String, Object> test = t.one(sls, "test", true);
    assertThat(test.get("result")).isNull();
    assertThat(test.get("comment")).isEqualTo("Changes would have been made");
    assertThat(changes(test)).containsKey("diff");
    assertThat(Files.readString(conf)).contains("port = 80\n");

    Map<String, Object> ret = t.one(sls);
    assertThat(ret.get("result")).isEqualTo(true);
    assertThat(ret.get("comment")).isEqualTo("Changes were made");
    assertThat(changes(ret)).isEqualTo(Map.of("diff",
        "--- \n+++ \n@@ -1,4 +1,4 @@\n [main]\n     user = app\n-port = 80\n+port = 880\n # end\n"));
    assertThat(Files.readString(conf)).contains("port = 880\n");
    assertThat(mode(conf)).isEqualTo("0640");
    FileStateRuns.noTempFiles(t.out);

    Map<String, Object> again = t.one(sls.replace("(\\d+)", "(80)"));
    assertThat(again.get("comment")).isEqualTo("No changes needed to be made");
    assertThat(changes(again)).isEmpty();
  }

  @Test
  void replaceAppendsWhenNotFoundOnceAndAMissingFileFails() throws Exception {
    String sls = """
        r:
          file.replace:
            - name: %s/app.conf
            - pattern: '^debug = .*$'
            - repl: debug = false
            - append_if_not_found: True
            - backup: False
        """;
    t.one(sls);
    assertThat(Files.readString(conf)).endsWith("# end\ndebug = false\n");
    assertThat(changes(t.one(sls))).isEmpty();

    Map<String, Object> missing = t.one("""
        r:
          file.replace:
            - name: %s/nope
            - pattern: a
            - repl: b
        """);
    assertThat(missing.get("result")).isEqualTo(false);
    assertThat(missing.get("comment")).isEqualTo(t.out.resolve("nope") + ": file not found");
    Map<String, Object> badRegex = t.one("""
        r:
          file.replace:
            - name: %s/app.conf
            - pattern: '(unclosed'
            - repl: b
        """);
    assertThat(badRegex.get("result")).isEqualTo(false);
    assertThat((String) badRegex.get("comment")).contains("not a valid regular expression");
  }
}
