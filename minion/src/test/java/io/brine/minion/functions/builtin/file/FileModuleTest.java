package io.brine.minion.functions.builtin.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.TestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file module on real files: read, write, append, exists, stat, chmod, chown, remove, mkdir,
 * hash.
 */
class FileModuleTest {
  @TempDir Path dir;

  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  private FunctionOutput run(MinionFunction f, Object... args) throws Exception {
    return f.call(ctx.call(args));
  }

  private FunctionOutput run(MinionFunction f, List<Object> args, Map<String, Object> kwargs)
      throws Exception {
    return f.call(ctx.call(args, kwargs));
  }

  private static FunctionOutput error(String message) {
    return new FunctionOutput("ERROR: " + message, 1);
  }

  @Test
  void write_thenRead_givesTheLinesEachWithANewline() throws Exception {
    Path f = dir.resolve("motd");

    FunctionOutput wrote = run(new FileWrite(), f.toString(), "hello", "world");

    assertThat(wrote).isEqualTo(FunctionOutput.ok("Wrote 2 lines to \"" + f + "\""));
    assertThat(Files.readString(f)).isEqualTo("hello\nworld\n");
    assertThat(run(new FileRead(), f.toString()).value()).isEqualTo("hello\nworld\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .as("a new file is 0644")
        .isEqualTo("rw-r--r--");
  }

  @Test
  void write_takesSaltsArgsKeyword_andNonStringLinesAsPythonWritesThem() throws Exception {
    Path f = dir.resolve("a");
    run(new FileWrite(), List.of(), Map.of("path", f.toString(), "args", List.of("x", 5, true)));
    assertThat(Files.readString(f)).isEqualTo("x\n5\nTrue\n");

    run(new FileWrite(), List.of(f.toString()), Map.of("args", "single"));
    assertThat(Files.readString(f)).isEqualTo("single\n");
  }

  @Test
  void write_replacesAtomically_keepingTheModeAndTheInodeChanges() throws Exception {
    Path f = dir.resolve("conf");
    Files.writeString(f, "old\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    Object inodeBefore = Files.getAttribute(f, "unix:ino");

    run(new FileWrite(), f.toString(), "new");

    assertThat(Files.readString(f)).isEqualTo("new\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(Files.getAttribute(f, "unix:ino"))
        .as("a new file renamed into place")
        .isNotEqualTo(inodeBefore);
    try (var names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString())).containsExactly("conf");
    }
  }

  @Test
  void write_throughALink_replacesTheTarget_andKeepsTheLink() throws Exception {
    Path target = dir.resolve("real");
    Files.writeString(target, "old\n");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);

    run(new FileWrite(), link.toString(), "via link");

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(target)).isEqualTo("via link\n");
  }

  @Test
  void write_intoAMissingFolder_orOntoAFolder_isAnError_andWritesNothing() throws Exception {
    Path missing = dir.resolve("no/such/file");
    assertThat(run(new FileWrite(), missing.toString(), "x"))
        .isEqualTo(error("No such file or directory: " + dir.resolve("no/such")));
    assertThat(dir.resolve("no")).doesNotExist();

    FunctionOutput onFolder = run(new FileWrite(), dir.toString(), "x");
    assertThat(onFolder.retcode()).isEqualTo(1);
    assertThat((String) onFolder.value()).startsWith("ERROR: Is a directory");
  }

  @Test
  void writeAndRead_refuseRelativePaths_andMissingArguments() {
    assertThatThrownBy(() -> run(new FileWrite(), "etc/motd", "x"))
        .isInstanceOf(FunctionException.class)
        .hasMessage("file.write: 'path' must be an absolute path, got etc/motd");
    assertThatThrownBy(() -> run(new FileWrite()))
        .hasMessage("file.write is missing the required argument 'path'");
    assertThatThrownBy(() -> run(new FileRead()))
        .hasMessage("file.read is missing the required argument 'path'");
    assertThatThrownBy(() -> run(new FileRead(), List.of("/etc/hostname"), Map.of("binry", true)))
        .hasMessage("file.read got an unexpected keyword argument 'binry'");
  }

  @Test
  void append_addsANewlineFirstWhenTheLastLineHasNone() throws Exception {
    Path f = dir.resolve("log");
    Files.writeString(f, "first");

    assertThat(run(new FileAppend(), f.toString(), "second", "third").value())
        .isEqualTo("Wrote 2 lines to \"" + f + "\"");
    assertThat(Files.readString(f)).isEqualTo("first\nsecond\nthird\n");
    run(new FileAppend(), f.toString(), "fourth");
    assertThat(Files.readString(f)).isEqualTo("first\nsecond\nthird\nfourth\n");

    Path empty = Files.createFile(dir.resolve("empty"));
    run(new FileAppend(), empty.toString(), "only");
    assertThat(Files.readString(empty)).isEqualTo("only\n");
  }

  @Test
  void append_toAMissingFile_isAnError_asSalts() throws Exception {
    Path f = dir.resolve("none");
    assertThat(run(new FileAppend(), f.toString(), "x"))
        .isEqualTo(error("No such file or directory: " + f));
    assertThat(f).doesNotExist();
  }

  @Test
  void read_refusesLargeFiles_andBinaryUnlessAskedForBase64() throws Exception {
    Path big = dir.resolve("big");
    Files.write(big, new byte[FileRead.MAX_BYTES + 1]);
    assertThat(run(new FileRead(), big.toString()))
        .isEqualTo(error(big + " is larger than 524288 bytes; file.read returns at most that"));

    Path bin = dir.resolve("bin");
    Files.write(bin, new byte[] {(byte) 0xff, 0, 1});
    assertThat(run(new FileRead(), bin.toString()).retcode()).isEqualTo(1);
    assertThat(run(new FileRead(), bin.toString(), "true").value())
        .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0, 1}));
    assertThat(run(new FileRead(), dir.resolve("nope").toString()))
        .isEqualTo(error("No such file or directory: " + dir.resolve("nope")));
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void readAndAppend_refuseAFifo_whichWouldHoldTheJobInOpen() throws Exception {
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    assertThat(run(new FileRead(), fifo.toString()))
        .isEqualTo(error(fifo + " is not a regular file"));
    assertThat(run(new FileAppend(), fifo.toString(), "x"))
        .isEqualTo(error(fifo + " is not a regular file"));
  }

  @Test
  void exists_followsLinks_asPythonsOsPathExists() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "");
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));

    assertThat(run(new FileExists(), f.toString()).value()).isEqualTo(true);
    assertThat(run(new FileExists(), dir.toString()).value()).isEqualTo(true);
    assertThat(run(new FileExists(), dangling.toString()).value()).isEqualTo(false);
    assertThat(run(new FileExists(), dir.resolve("gone").toString()).value()).isEqualTo(false);
  }

  @Test
  @SuppressWarnings("unchecked")
  void stat_hasSaltsKeys_andTheRightValues() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "12345");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    Path link = Files.createSymbolicLink(dir.resolve("l"), f);

    Map<String, Object> st =
        (Map<String, Object>) run(new FileStats("file.stat"), f.toString(), "sha256").value();

    assertThat(st.keySet())
        .containsExactly(
            "inode", "uid", "gid", "user", "group", "atime", "mtime", "ctime", "size", "mode",
            "sum", "type", "target");
    assertThat(st.get("size")).isEqualTo(5L);
    assertThat(st.get("mode")).isEqualTo("0640");
    assertThat(st.get("type")).isEqualTo("file");
    assertThat(st.get("inode")).isEqualTo(Files.getAttribute(f, "unix:ino"));
    assertThat(st.get("uid")).isEqualTo(Files.getAttribute(f, "unix:uid"));
    assertThat(st.get("user")).isEqualTo(Files.getOwner(f).getName());
    assertThat(st.get("sum")).isEqualTo(sha256("12345".getBytes(StandardCharsets.UTF_8)));
    assertThat((Double) st.get("mtime"))
        .isCloseTo(
            Files.getLastModifiedTime(f).toMillis() / 1000.0,
            org.assertj.core.data.Offset.offset(0.01));

    Map<String, Object> viaLink =
        (Map<String, Object>) run(new FileStats("file.stats"), link.toString()).value();
    assertThat(viaLink.get("type")).isEqualTo("file");
    assertThat(viaLink.get("target")).isEqualTo(f.toRealPath().toString());
    assertThat(viaLink).doesNotContainKey("sum");
    Map<String, Object> linkItself =
        (Map<String, Object>)
            run(
                    new FileStats("file.stats"),
                    List.of(link.toString()),
                    Map.of("follow_symlinks", false))
                .value();
    assertThat(linkItself.get("type")).isEqualTo("link");
    assertThat(
            ((Map<String, Object>) run(new FileStats("file.stat"), dir.toString()).value())
                .get("type"))
        .isEqualTo("dir");

    assertThat(run(new FileStats("file.stats"), dir.resolve("none").toString()))
        .isEqualTo(error("Path not found: " + dir.resolve("none")));
    assertThatThrownBy(() -> run(new FileStats("file.stat"), f.toString(), "crc32"))
        .hasMessage(
            "file.stat: 'hash_type' must be one of md5, sha1, sha224, sha256, sha384, sha512, got"
                + " crc32");
  }

  @Test
  void chmod_setsTheMode_andReturnsIt() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "");

    assertThat(run(new FileChmod(), f.toString(), "600")).isEqualTo(FunctionOutput.ok("0600"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(run(new FileChmod(), f.toString(), 755).value()).isEqualTo("0755");
    assertThat(run(new FileChmod(), f.toString(), "0o640").value()).isEqualTo("0640");

    assertThatThrownBy(() -> run(new FileChmod(), f.toString(), "rwx"))
        .hasMessage("file.chmod: 'mode' must be an octal mode like 0644, got rwx");
    assertThatThrownBy(() -> run(new FileChmod(), f.toString(), "4755"))
        .hasMessage(
            "file.chmod: 'mode' 4755 has setuid, setgid or sticky bits, which brine does not set");
    assertThatThrownBy(() -> run(new FileChmod(), f.toString()))
        .hasMessage("file.chmod is missing the required argument 'mode'");
    assertThat(run(new FileChmod(), dir.resolve("none").toString(), "600"))
        .isEqualTo(error("File not found: " + dir.resolve("none")));
  }

  @Test
  void chown_toTheCurrentOwner_works_andUnknownNamesAreRefused() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "");
    String user = Files.getOwner(f).getName();
    String group =
        Files.readAttributes(f, java.nio.file.attribute.PosixFileAttributes.class)
            .group()
            .getName();
    Object uid = Files.getAttribute(f, "unix:uid");

    assertThat(run(new FileChown(), f.toString(), user, group)).isEqualTo(FunctionOutput.ok(null));
    assertThat(run(new FileChown(), f.toString(), uid.toString(), ""))
        .isEqualTo(FunctionOutput.ok(null));
    assertThat(run(new FileChown(), f.toString(), "no-such-user-brine", "no-such-group-brine"))
        .isEqualTo(error("User does not exist; Group does not exist: " + f));
    assertThat(run(new FileChown(), dir.resolve("none").toString(), user, group))
        .isEqualTo(error("File not found: " + dir.resolve("none")));
    assertThatThrownBy(() -> run(new FileChown(), f.toString(), user))
        .hasMessage("file.chown is missing the required argument 'group'");
  }

  @Test
  void remove_removesFilesLinksAndTrees_neverFollowingALink() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path kept = Files.writeString(outside.resolve("kept"), "x");
    Path tree = Files.createDirectories(dir.resolve("tree/sub"));
    Files.writeString(tree.resolve("f"), "x");
    Files.createSymbolicLink(tree.resolve("escape"), outside);
    Path link = Files.createSymbolicLink(dir.resolve("link"), kept);

    assertThat(run(new FileRemove(), link.toString()).value()).isEqualTo(true);
    assertThat(run(new FileRemove(), dir.resolve("tree").toString()).value()).isEqualTo(true);
    assertThat(run(new FileRemove(), dir.resolve("tree").toString()).value())
        .as("gone")
        .isEqualTo(false);

    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(dir.resolve("tree")).doesNotExist();
    assertThat(kept).hasContent("x");
    assertThatThrownBy(() -> run(new FileRemove(), "/"))
        .hasMessage("file.remove refuses to remove /");
    assertThatThrownBy(() -> run(new FileRemove(), "tmp/x"))
        .hasMessage("file.remove: 'path' must be an absolute path, got tmp/x");
  }

  @Test
  void mkdir_createsParents_withTheMode_andAnExistingFolderIsFine() throws Exception {
    Path deep = dir.resolve("a/b/c");

    assertThat(run(new FileMkdir(), List.of(deep.toString()), Map.of("mode", "750")).value())
        .isEqualTo(true);

    assertThat(deep).isDirectory();
    for (Path p : List.of(dir.resolve("a"), dir.resolve("a/b"), deep)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .as(p.toString())
          .isEqualTo("rwxr-x---");
    }
    assertThat(run(new FileMkdir(), deep.toString()).value()).isEqualTo(true);
    Path file = Files.writeString(dir.resolve("file"), "");
    FunctionOutput onFile = run(new FileMkdir(), file.resolve("sub").toString());
    assertThat(onFile.retcode()).isEqualTo(1);
    assertThat(
            run(
                new FileMkdir(),
                List.of(dir.resolve("x").toString()),
                Map.of("user", "no-such-user-brine")))
        .isEqualTo(error("User no-such-user-brine does not exist"));
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void hash_isSha256ByDefault_andTakesSaltsForms() throws Exception {
    byte[] content = new byte[300_000];
    new java.util.Random(18).nextBytes(content);
    Path f = Files.write(dir.resolve("f"), content);

    assertThat(run(new FileHash("file.hash"), f.toString()).value()).isEqualTo(sha256(content));
    assertThat(
            run(new FileHash("file.get_hash"), List.of(f.toString()), Map.of("form", "md5"))
                .value())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
    assertThat(run(new FileHash("file.hash"), f.toString(), "sha512").value())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(content)));
    assertThatThrownBy(() -> run(new FileHash("file.hash"), f.toString(), "sha3"))
        .hasMessageStartingWith("file.hash: 'form' must be one of md5");
    assertThat(run(new FileHash("file.hash"), dir.toString()))
        .isEqualTo(error(dir + " is not a regular file"));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
