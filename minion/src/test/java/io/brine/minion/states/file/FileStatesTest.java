package io.brine.minion.states.file;

import static io.brine.minion.states.file.FileStateRuns.attrs;
import static io.brine.minion.states.file.FileStateRuns.changes;
import static io.brine.minion.states.file.FileStateRuns.mode;
import static io.brine.minion.states.file.FileStateRuns.noTempFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * file.managed through the real state.apply: content, mode, owner on disk, the changes Salt
 * reports, test=True changing nothing, a second run changing nothing, templates, salt:// sources.
 * The tests run as root (the build's container), so user and group are set for real.
 */
class FileStatesTest {
  private FileStateRuns t;

  @BeforeEach
  void setUp(@TempDir Path tmp) throws Exception {
    t = new FileStateRuns(tmp);
  }

  @Test
  void contentsModeAndOwnerAreWrittenThenTheSecondRunChangesNothing() throws Exception {
    String sls = """
        conf:
          file.managed:
            - name: %s/app.conf
            - contents: |
                port: 8080
            - mode: '0640'
            - user: root
            - group: daemon
        """;
    Map<String, Object> ret = t.one(sls);
    Path file = t.out.resolve("app.conf");
    assertThat(ret.get("result")).isEqualTo(true);
    assertThat(ret.get("comment")).isEqualTo("File " + file + " updated");
    assertThat(changes(ret)).containsEntry("diff", "New file").containsEntry("mode", "0640")
        .containsEntry("group", "daemon").doesNotContainKey("user");
    assertThat(Files.readString(file)).isEqualTo("port: 8080\n");
    assertThat(mode(file)).isEqualTo("0640");
    assertThat(attrs(file).owner().getName()).isEqualTo("root");
    assertThat(attrs(file).group().getName()).isEqualTo("daemon");
    noTempFiles(t.out);

    Map<String, Object> again = t.one(sls);
    assertThat(again.get("result")).isEqualTo(true);
    assertThat(again.get("comment")).isEqualTo("File " + file + " is in the correct state");
    assertThat(changes(again)).isEmpty();
  }

  @Test
  void aChangedFileReportsTheUnifiedDiffAndItsNewMode() throws Exception {
    Path file = t.out.resolve("motd");
    Files.writeString(file, "one\ntwo\nthree\n");
    Files.setPosixFilePermissions(file, Perms.bits(0600));
    Map<String, Object> ret = t.one("""
        motd:
          file.managed:
            - name: %s/motd
            - contents:
              - one
              - 2
              - three
            - mode: 644
        """);
    assertThat(ret.get("result")).isEqualTo(true);
    assertThat(changes(ret)).containsEntry("diff",
        "--- \n+++ \n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n").containsEntry("mode", "0644");
    assertThat(Files.readString(file)).isEqualTo("one\n2\nthree\n");
    assertThat(mode(file)).isEqualTo("0644");
  }

  @Test
  void testModeReportsWhatWouldChangeAndWritesNothing() throws Exception {
    Path existing = t.out.resolve("old.conf");
    Files.writeString(existing, "a=1\n");
    Files.setPosixFilePermissions(existing, Perms.bits(0644));
    Map<String, Map<String, Object>> rets = t.all("""
        new:
          file.managed:
            - name: %s/new.conf
            - contents: x
        old:
          file.managed:
            - name: %s/old.conf
            - contents: a=2
            - mode: '0600'
        """, "test", true);
    Map<String, Object> created = rets.get("new");
    assertThat(created.get("result")).isNull();
    assertThat((String) created.get("comment"))
        .startsWith("The file " + t.out.resolve("new.conf") + " is set to be changed");
    assertThat(changes(created)).isEqualTo(Map.of("newfile", t.out.resolve("new.conf").toString()));
    Map<String, Object> changed = rets.get("old");
    assertThat(changed.get("result")).isNull();
    assertThat(changes(changed)).containsEntry("diff", "--- \n+++ \n@@ -1 +1 @@\n-a=1\n+a=2\n")
        .containsEntry("mode", "0600");

    assertThat(t.out.resolve("new.conf")).doesNotExist();
    assertThat(Files.readString(existing)).isEqualTo("a=1\n");
    assertThat(mode(existing)).isEqualTo("0644");
    try (Stream<Path> s = Files.list(t.out)) {
      assertThat(s.toList()).containsExactly(existing);
    }
  }

  @Test
  void aJinjaTemplateFromSaltSeesGrainsPillarAndContext() throws Exception {
    t.runs.file("app/app.conf.j2", """
        id={{ grains['id'] }}
        db={{ pillar['db']['host'] }}
        port={{ port }}
        """);
    Map<String, Object> ret = t.one("""
        conf:
          file.managed:
            - name: %s/app.conf
            - source: salt://app/app.conf.j2
            - template: jinja
            - defaults:
                port: 1
            - context:
                port: 5432
        """, "pillar", Map.of("db", Map.of("host", "db1.internal")));
    assertThat(ret.get("result")).as("%s", ret).isEqualTo(true);
    assertThat(Files.readString(t.out.resolve("app.conf")))
        .isEqualTo("id=web1\ndb=db1.internal\nport=5432\n");
  }

  @Test
  void aSaltSourceIsCopiedAndTheFirstSourceThatExistsWins() throws Exception {
    t.runs.file("files/b.txt", "from b\n");
    Map<String, Object> ret = t.one("""
        f:
          file.managed:
            - name: %s/f.txt
            - source:
              - salt://files/a.txt
              - salt://files/b.txt
        """);
    assertThat(ret.get("result")).as("%s", ret).isEqualTo(true);
    assertThat(Files.readString(t.out.resolve("f.txt"))).isEqualTo("from b\n");
    assertThat(mode(t.out.resolve("f.txt"))).isEqualTo("0644");
  }

  @Test
  void aMissingSaltSourceFailsWithSaltsWords() throws Exception {
    Map<String, Object> one = t.one("""
        f:
          file.managed:
            - name: %s/f.txt
            - source: salt://files/nope.txt
        """);
    assertThat(one.get("result")).isEqualTo(false);
    assertThat(one.get("comment"))
        .isEqualTo("Source file salt://files/nope.txt not found in saltenv 'base'");
    Map<String, Object> list = t.one("""
        f:
          file.managed:
            - name: %s/f.txt
            - source: [salt://files/nope.txt, salt://files/nope2.txt]
        """);
    assertThat(list.get("comment"))
        .isEqualTo("Unable to manage file: none of the specified sources were found");
    assertThat(t.out.resolve("f.txt")).doesNotExist();
  }

  @Test
  void aLocalAbsoluteSourceIsCopied() throws Exception {
    Path src = Files.writeString(t.srv.resolve("local.txt"), "local\n");
    Map<String, Object> ret = t.one("""
        f:
          file.managed:
            - name: %s/f.txt
            - source: SRC
        """.replace("SRC", src.toString()));
    assertThat(ret.get("result")).isEqualTo(true);
    assertThat(Files.readString(t.out.resolve("f.txt"))).isEqualTo("local\n");
  }

  @Test
  void aMissingParentFailsUnlessMakedirs() throws Exception {
    String sls = """
        f:
          file.managed:
            - name: %s/a/b/f.txt
            - contents: hi
            - mode: '0640'
        """;
    Map<String, Object> refused = t.one(sls);
    assertThat(refused.get("result")).isEqualTo(false);
    assertThat(refused.get("comment")).isEqualTo("Parent directory not present");
    assertThat(t.out.resolve("a")).doesNotExist();

    Map<String, Object> made = t.one(sls.replace("- mode", "- makedirs: True\n    - mode"));
    assertThat(made.get("result")).as("%s", made).isEqualTo(true);
    assertThat(Files.readString(t.out.resolve("a/b/f.txt"))).isEqualTo("hi\n");
    // Salt's dir_mode from mode: an execute bit on each digit that is not 0.
    assertThat(mode(t.out.resolve("a/b"))).isEqualTo("0750");
  }

  @Test
  void contentsPillarTakesANestedKeyAndAMissingOneFails() throws Exception {
    String sls = """
        key:
          file.managed:
            - name: %s/key.pem
            - contents_pillar: tls:web:key
            - mode: '0600'
        """;
    Map<String, Object> ret = t.one(sls, "pillar",
        Map.of("tls", Map.of("web", Map.of("key", "-----BEGIN KEY-----\nsecret\n"))));
    assertThat(ret.get("result")).isEqualTo(true);
    Path key = t.out.resolve("key.pem");
    assertThat(Files.readString(key)).isEqualTo("-----BEGIN KEY-----\nsecret\n");
    assertThat(mode(key)).isEqualTo("0600");

    Map<String, Object> missing = t.one(sls);
    assertThat(missing.get("result")).isEqualTo(false);
    assertThat(missing.get("comment")).isEqualTo("Pillar tls:web:key does not exist");
  }

  @Test
  void replaceFalseAndCreateFalseLeaveContentAlone() throws Exception {
    Path file = Files.writeString(t.out.resolve("keep"), "mine\n");
    Files.setPosixFilePermissions(file, Perms.bits(0644));
    Map<String, Object> kept = t.one("""
        k:
          file.managed:
            - name: %s/keep
            - contents: theirs
            - replace: False
            - mode: '0600'
        """);
    assertThat(kept.get("result")).isEqualTo(true);
    assertThat(changes(kept)).isEqualTo(Map.of("mode", "0600"));
    assertThat(Files.readString(file)).isEqualTo("mine\n");
    assertThat(mode(file)).isEqualTo("0600");

    Map<String, Object> absent = t.one("""
        k:
          file.managed:
            - name: %s/absent
            - contents: x
            - create: False
        """);
    assertThat(absent.get("result")).isEqualTo(true);
    assertThat(absent.get("comment")).isEqualTo(
        "File " + t.out.resolve("absent") + " is not present and is not set for creation");
    assertThat(t.out.resolve("absent")).doesNotExist();
  }

  @Test
  void backupMinionKeepsTheOldFileBesideItWithItsMode() throws Exception {
    Path file = Files.writeString(t.out.resolve("secret"), "old\n");
    Files.setPosixFilePermissions(file, Perms.bits(0600));
    Map<String, Object> ret = t.one("""
        s:
          file.managed:
            - name: %s/secret
            - contents: new
            - backup: minion
        """);
    assertThat(ret.get("result")).isEqualTo(true);
    assertThat(Files.readString(file)).isEqualTo("new\n");
    assertThat(mode(file)).isEqualTo("0600");
    List<Path> backups;
    try (Stream<Path> s = Files.list(t.out)) {
      backups = s.filter(p -> p.getFileName().toString().matches(
          "secret\\.\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d")).toList();
    }
    assertThat(backups).hasSize(1);
    assertThat(Files.readString(backups.get(0))).isEqualTo("old\n");
    assertThat(mode(backups.get(0))).isEqualTo("0600");
  }

  @Test
  void aLinkIsWrittenThroughAndStaysALink() throws Exception {
    Path real = Files.writeString(t.out.resolve("real.conf"), "old\n");
    Path link = Files.createSymbolicLink(t.out.resolve("link.conf"), real);
    Map<String, Object> ret = t.one("""
        l:
          file.managed:
            - name: %s/link.conf
            - contents: new
            - mode: '0600'
        """);
    assertThat(ret.get("result")).isEqualTo(true);
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).isEqualTo("new\n");
    assertThat(mode(real)).isEqualTo("0600");
  }

  @Test
  void wrongArgumentsFailWithOneLine() throws Exception {
    Map<String, Map<String, Object>> rets = t.all("""
        relative:
          file.managed:
            - name: etc/x
            - contents: x
        both:
          file.managed:
            - name: %s/both
            - contents: x
            - source: salt://x
        user:
          file.managed:
            - name: %s/user
            - contents: x
            - user: no-such-user-here
        mode:
          file.managed:
            - name: %s/mode
            - contents: x
            - mode: '4755'
        dir:
          file.managed:
            - name: %s
            - contents: x
        unsupported:
          file.managed:
            - name: %s/u
            - contents: x
            - check_cmd: /bin/true
        """);
    assertThat(rets.get("relative").get("comment"))
        .isEqualTo("Specified file etc/x is not an absolute path");
    assertThat(rets.get("both").get("comment")).isEqualTo("'source' cannot be used in"
        + " combination with 'contents', 'contents_pillar', or 'contents_grains'");
    assertThat(rets.get("user").get("comment")).isEqualTo("User no-such-user-here is not available");
    assertThat((String) rets.get("mode").get("comment")).contains("setuid");
    assertThat(rets.get("dir").get("comment")).isEqualTo("Specified target " + t.out
        + " is a directory");
    assertThat(rets.get("unsupported").get("comment"))
        .isEqualTo("file.managed: 'check_cmd' is not supported by brine's file.managed");
    for (Map<String, Object> r : rets.values()) {
      assertThat(r.get("result")).isEqualTo(false);
      assertThat((String) r.get("comment")).doesNotContain("\n");
    }
    try (Stream<Path> s = Files.list(t.out)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void noSourceNorContentsCreatesAnEmptyFile() throws Exception {
    Map<String, Object> ret = t.one("""
        e:
          file.managed:
            - name: %s/empty
        """);
    assertThat(ret.get("comment")).isEqualTo("Empty file");
    assertThat(changes(ret)).containsEntry("new", "file " + t.out.resolve("empty") + " created");
    assertThat(Files.size(t.out.resolve("empty"))).isZero();
  }
}
