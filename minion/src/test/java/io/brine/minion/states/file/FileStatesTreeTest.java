package io.brine.minion.states.file;

import static io.brine.minion.states.file.FileStateRuns.attrs;
import static io.brine.minion.states.file.FileStateRuns.changes;
import static io.brine.minion.states.file.FileStateRuns.mode;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** file.directory, file.absent and file.symlink through the real state.apply, as root. */
class FileStatesTreeTest {
  private FileStateRuns t;

  @BeforeEach
  void setUp(@TempDir Path tmp) throws Exception {
    t = new FileStateRuns(tmp);
  }

  @Test
  void directoryIsCreatedWithItsModeAndOwnerThenIsInTheCorrectState() throws Exception {
    String sls = """
        d:
          file.directory:
            - name: %s/a/b
            - user: root
            - group: daemon
            - dir_mode: '0750'
            - makedirs: True
        """;
    Path dir = t.out.resolve("a/b");
    Map<String, Object> test = t.one(sls, "test", true);
    assertThat(test.get("result")).isNull();
    assertThat(changes(test)).isEqualTo(Map.of(dir.toString(), Map.of("directory", "new")));
    assertThat(test.get("comment"))
        .isEqualTo("The following files will be changed:\n" + dir + ": directory - new\n");
    assertThat(t.out.resolve("a")).doesNotExist();

    Map<String, Object> ret = t.one(sls);
    assertThat(ret.get("result")).as("%s", ret).isEqualTo(true);
    assertThat(ret.get("comment")).isEqualTo("Directory " + dir + " updated");
    assertThat(changes(ret)).isEqualTo(Map.of(dir.toString(), "New Dir"));
    assertThat(mode(dir)).isEqualTo("0750");
    assertThat(attrs(dir).group().getName()).isEqualTo("daemon");
    assertThat(mode(t.out.resolve("a"))).isEqualTo("0750");

    Map<String, Object> again = t.one(sls);
    assertThat(again.get("comment")).isEqualTo("Directory " + dir + " is in the correct state");
    assertThat(changes(again)).isEmpty();
  }

  @Test
  void directoryModeChangeOnAnExistingFolderAndItsMissingParent() throws Exception {
    Path dir = Files.createDirectory(t.out.resolve("d"));
    Files.setPosixFilePermissions(dir, Perms.bits(0700));
    Map<String, Object> test = t.one("""
        d:
          file.directory:
            - name: %s/d
            - mode: 755
        """, "test", true);
    assertThat(changes(test)).isEqualTo(Map.of(dir.toString(), Map.of("mode", "0755")));
    assertThat(mode(dir)).isEqualTo("0700");
    Map<String, Object> ret = t.one("""
        d:
          file.directory:
            - name: %s/d
            - mode: 755
        """);
    assertThat(changes(ret)).isEqualTo(Map.of("mode", "0755"));
    assertThat(mode(dir)).isEqualTo("0755");

    Map<String, Object> orphan = t.one("""
        d:
          file.directory:
            - name: %s/x/y
        """);
    assertThat(orphan.get("result")).isEqualTo(false);
    assertThat(orphan.get("comment")).isEqualTo("No directory to create " + t.out.resolve("x/y")
        + " in");
  }

  @Test
  void directoryRefusesAFileInTheWayUnlessForced() throws Exception {
    Files.writeString(t.out.resolve("f"), "x");
    String sls = """
        d:
          file.directory:
            - name: %s/f
        """;
    Map<String, Object> refused = t.one(sls);
    assertThat(refused.get("result")).isEqualTo(false);
    assertThat(refused.get("comment"))
        .isEqualTo("Specified location " + t.out.resolve("f") + " exists and is a file");
    Map<String, Object> forced = t.one(sls.replace("/f\n", "/f\n    - force: True\n"));
    assertThat(forced.get("result")).as("%s", forced).isEqualTo(true);
    assertThat(changes(forced)).containsEntry("forced", "File was forcibly replaced");
    assertThat(t.out.resolve("f")).isDirectory();

    Map<String, Object> clean = t.one("""
        d:
          file.directory:
            - name: %s/f
            - clean: True
        """);
    assertThat(clean.get("result")).isEqualTo(false);
    assertThat(clean.get("comment"))
        .isEqualTo("file.directory: 'clean' is not supported by brine's file.directory");
  }

  @Test
  void absentRemovesAFileATreeAndALinkButNotItsTarget() throws Exception {
    Path file = Files.writeString(t.out.resolve("f"), "x");
    Path tree = Files.createDirectories(t.out.resolve("tree/sub"));
    Files.writeString(tree.resolve("g"), "y");
    Path keep = Files.createDirectory(t.out.resolve("keep"));
    Files.writeString(keep.resolve("kept"), "z");
    Path link = Files.createSymbolicLink(t.out.resolve("link"), keep);
    Files.createSymbolicLink(tree.resolve("inner-link"), keep);
    String sls = """
        f:
          file.absent:
            - name: %s/f
        tree:
          file.absent:
            - name: %s/tree
        link:
          file.absent:
            - name: %s/link
        """;
    Map<String, Map<String, Object>> test = t.all(sls, "test", true);
    assertThat(test.get("f").get("result")).isNull();
    assertThat(test.get("f").get("comment")).isEqualTo("File " + file + " is set for removal");
    assertThat(test.get("tree").get("comment"))
        .isEqualTo("Directory " + t.out.resolve("tree") + " is set for removal");
    assertThat(file).exists();
    assertThat(tree).exists();

    Map<String, Map<String, Object>> rets = t.all(sls);
    assertThat(rets.get("f").get("comment")).isEqualTo("Removed file " + file);
    assertThat(changes(rets.get("f"))).isEqualTo(Map.of("removed", file.toString()));
    assertThat(rets.get("tree").get("comment"))
        .isEqualTo("Removed directory " + t.out.resolve("tree"));
    assertThat(rets.get("link").get("comment")).isEqualTo("Removed file " + link);
    assertThat(file).doesNotExist();
    assertThat(t.out.resolve("tree")).doesNotExist();
    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(keep.resolve("kept")).hasContent("z");

    Map<String, Map<String, Object>> again = t.all(sls);
    assertThat(again.get("f").get("comment")).isEqualTo("File " + file + " is not present");
    assertThat(again.get("f").get("result")).isEqualTo(true);
    assertThat(changes(again.get("f"))).isEmpty();
  }

  @Test
  void absentRefusesTheRootAndARelativePath() throws Exception {
    Map<String, Map<String, Object>> rets = t.all("""
        root:
          file.absent:
            - name: /
        rel:
          file.absent:
            - name: tmp/x
        """);
    assertThat(rets.get("root").get("result")).isEqualTo(false);
    assertThat(rets.get("root").get("comment")).isEqualTo("Refusing to make \"/\" absent");
    assertThat(rets.get("rel").get("comment"))
        .isEqualTo("Specified file tmp/x is not an absolute path");
  }

  @Test
  void symlinkIsCreatedThenPresentThenRepointed() throws Exception {
    Path link = t.out.resolve("sub/current");
    String sls = """
        l:
          file.symlink:
            - name: %s/sub/current
            - target: /opt/app-1
            - makedirs: True
            - user: root
            - group: daemon
        """;
    Map<String, Object> test = t.one(sls, "test", true);
    assertThat(test.get("result")).isNull();
    assertThat(changes(test)).isEqualTo(Map.of("new", link.toString()));
    assertThat(t.out.resolve("sub")).doesNotExist();

    Map<String, Object> ret = t.one(sls);
    assertThat(ret.get("result")).as("%s", ret).isEqualTo(true);
    assertThat(ret.get("comment")).isEqualTo("Created new symlink " + link + " -> /opt/app-1");
    assertThat(changes(ret)).isEqualTo(Map.of("new", link.toString()));
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("/opt/app-1"));
    assertThat(attrs(link).group().getName()).isEqualTo("daemon");

    Map<String, Object> again = t.one(sls);
    assertThat(again.get("comment"))
        .isEqualTo("Symlink " + link + " is present and owned by root:daemon");
    assertThat(changes(again)).isEmpty();

    Map<String, Object> moved = t.one(sls.replace("app-1", "app-2"));
    assertThat(moved.get("comment")).isEqualTo("Created new symlink " + link + " -> /opt/app-2");
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("/opt/app-2"));
    FileStateRuns.noTempFiles(link.getParent());
  }

  @Test
  void symlinkRefusesAFileInTheWayUnlessForced() throws Exception {
    Path file = Files.writeString(t.out.resolve("l"), "x");
    String sls = """
        l:
          file.symlink:
            - name: %s/l
            - target: /etc/hostname
        """;
    Map<String, Object> refused = t.one(sls);
    assertThat(refused.get("result")).isEqualTo(false);
    assertThat(refused.get("comment"))
        .isEqualTo("File exists where the symlink " + file + " should be");
    Map<String, Object> forced = t.one(sls + "    - force: True\n");
    assertThat(forced.get("result")).isEqualTo(true);
    assertThat(Files.isSymbolicLink(file)).isTrue();

    Map<String, Object> noParent = t.one("""
        l:
          file.symlink:
            - name: %s/none/l
            - target: /etc/hostname
        """);
    assertThat(noParent.get("comment"))
        .isEqualTo("Directory " + t.out.resolve("none") + " for symlink is not present");
  }
}
