package io.brine.master.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileRootsTest {
  @TempDir Path tmp;

  private Path first;
  private Path second;
  private Path outside;
  private FileRoots roots;
  private String realTmp;

  @BeforeEach
  void roots() throws IOException {
    first = Files.createDirectories(tmp.resolve("srv/salt"));
    second = Files.createDirectories(tmp.resolve("srv/salt-extra"));
    outside = Files.createDirectories(tmp.resolve("etc"));
    Files.writeString(outside.resolve("shadow"), "root:$6$secret");
    write(first, "a/b.txt", "from the first root");
    write(first, "top.sls", "base:\n  '*': []\n");
    write(second, "a/b.txt", "from the second root");
    write(second, "only/second.txt", "only in the second root");
    roots = FileRoots.of(List.of(first, second));
    realTmp = tmp.toRealPath().toString();
  }

  private static Path write(Path root, String relative, String content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  private static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  /** A refusal whose message never shows where the roots are on the master. */
  private AbstractThrowableAssert<?, ? extends Throwable> refused(String source) {
    Throwable thrown = catchThrowable(() -> roots.resolve(source));
    assertThat(thrown).isInstanceOf(FileRequestException.class);
    assertThat(thrown.getMessage())
        .doesNotContain(tmp.toString())
        .doesNotContain(realTmp)
        .doesNotContain("\n");
    return assertThat(thrown);
  }

  @Test
  void servesAFileWithItsSizeAndSha256() throws Exception {
    ServedFile file = roots.resolve("salt://top.sls");

    byte[] content = "base:\n  '*': []\n".getBytes(StandardCharsets.UTF_8);
    assertThat(file.source()).isEqualTo("salt://top.sls");
    assertThat(file.path()).isEqualTo(first.resolve("top.sls").toRealPath());
    assertThat(file.size()).isEqualTo(content.length);
    assertThat(file.sha256()).isEqualTo(sha256(content));
    assertThat(file.sha256Hex()).hasSize(64);
  }

  @Test
  void withOrWithoutTheSchemeIsTheSameFile() throws Exception {
    assertThat(roots.resolve("a/b.txt")).isEqualTo(roots.resolve("salt://a/b.txt"));
    assertThat(roots.resolve("salt://a/b.txt?saltenv=base"))
        .isEqualTo(roots.resolve("salt://a/b.txt"));
  }

  @Test
  void theFirstRootThatHasTheFileWins() throws Exception {
    assertThat(roots.resolve("salt://a/b.txt").path()).startsWith(first.toRealPath());
    assertThat(roots.resolve("salt://only/second.txt").path()).startsWith(second.toRealPath());
  }

  @Test
  void aFolderInAnEarlierRootIsPassedOver() throws Exception {
    Files.createDirectories(first.resolve("only/second.txt"));
    assertThat(roots.resolve("salt://only/second.txt").path()).startsWith(second.toRealPath());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/shadow", "salt:///etc/shadow", "//etc/shadow"})
  void absolutePathsAreRefused(String source) {
    refused(source)
        .hasMessageStartingWith("absolute paths are not served: salt:///")
        .hasMessageEndingWith("/etc/shadow");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../../etc/shadow",
        "salt://../../etc/shadow",
        "a/../../x",
        "a/../b.txt", // even one that would stay inside
        "a/..",
        ".."
      })
  void dotDotSegmentsAreRefused(String source) {
    refused(source).hasMessageStartingWith("'..' is not allowed: salt://");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"a/b.txt\u0000.sls", "a/b.txt\n", "a/\tb.txt", "a/b\u007f", "a/b\u0085", "\u0000"})
  void controlCharactersAreRefused(String source) {
    refused(source).hasMessageStartingWith("the path has a control character at position ");
  }

  // Issue 14: an unpaired surrogate (U+D800) reached Path.resolve, whose InvalidPathException
  // closed the minion's connection instead of answering it.
  @ParameterizedTest
  @ValueSource(strings = {"salt://\ud800", "a/\udc00b.txt", "a/b\ud800", "\udc00\ud800"})
  void unpairedSurrogatesAreRefused(String source) {
    refused(source).hasMessageStartingWith("the path has an unpaired surrogate at position ");
  }

  @Test
  void aPairedSurrogateIsAnOrdinaryName() throws Exception {
    String name = "caf\u00e9-\ud83d\ude00.txt";
    refused("salt://" + name).hasMessage("no such file: salt://" + name);
    write(first, name, "smile");
    assertThat(roots.resolve("salt://" + name).size()).isEqualTo(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\\b.txt", "..\\..\\etc\\shadow", "salt://a\\b.txt"})
  void backslashesAreRefused(String source) {
    refused(source).hasMessageStartingWith("backslashes are not allowed: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "salt://", "salt://?saltenv=base"})
  void anEmptyPathIsRefused(String source) {
    refused(source).hasMessage("empty path");
  }

  @Test
  void aNullPathIsRefused() {
    refused(null).hasMessage("empty path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a//b.txt", "./a/b.txt", "a/./b.txt", "a/"})
  void emptyAndDotSegmentsAreRefused(String source) {
    refused(source).hasMessageStartingWith("empty or '.' path segment: salt://");
  }

  @Test
  void aFolderIsRefused() {
    refused("salt://a").hasMessage("salt://a is a folder, not a file");
  }

  @Test
  void aMissingFileIsRefused() {
    refused("salt://x").hasMessage("no such file: salt://x");
    refused("top.sls/x").hasMessage("no such file: salt://top.sls/x"); // a file as a folder
  }

  @Test
  void aFileLinkLeadingOutOfTheRootIsRefused() throws IOException {
    Files.createSymbolicLink(first.resolve("shadow"), outside.resolve("shadow"));
    refused("salt://shadow").hasMessage("salt://shadow leads outside the file roots");
  }

  @Test
  void aFolderLinkInTheMiddleLeadingOutIsRefused() throws IOException {
    Files.createSymbolicLink(first.resolve("a/etc"), outside);
    refused("salt://a/etc/shadow").hasMessage("salt://a/etc/shadow leads outside the file roots");
  }

  @Test
  void aLinkIntoASiblingWhoseNameStartsLikeTheRootIsRefused() throws IOException {
    // srv/salt-extra starts with the characters of srv/salt but is not inside it.
    Files.createSymbolicLink(first.resolve("sneaky"), second.resolve("only/second.txt"));
    refused("salt://sneaky").hasMessage("salt://sneaky leads outside the file roots");
  }

  @Test
  void aLinkToAnotherRootIsRefusedToo() throws IOException {
    FileRoots single = FileRoots.of(List.of(first));
    Files.createSymbolicLink(first.resolve("other"), second.resolve("only"));
    assertThatThrownBy(() -> single.resolve("salt://other/second.txt"))
        .hasMessage("salt://other/second.txt leads outside the file roots");
  }

  @Test
  void aLinkThatStaysInsideTheRootIsServed() throws Exception {
    Files.createSymbolicLink(first.resolve("alias.sls"), first.resolve("top.sls"));
    Files.createSymbolicLink(first.resolve("dir-alias"), first.resolve("a"));

    ServedFile viaFile = roots.resolve("salt://alias.sls");
    assertThat(viaFile.path()).isEqualTo(first.resolve("top.sls").toRealPath());
    assertThat(viaFile.sha256()).isEqualTo(roots.resolve("salt://top.sls").sha256());
    assertThat(roots.resolve("salt://dir-alias/b.txt").path())
        .isEqualTo(first.resolve("a/b.txt").toRealPath());
  }

  @Test
  void aRootThatIsItselfALinkWorks() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("salt-link"), first);
    FileRoots linked = FileRoots.of(List.of(link));
    assertThat(linked.resolve("salt://a/b.txt").path())
        .isEqualTo(first.resolve("a/b.txt").toRealPath());
  }

  @Test
  void danglingAndLoopingLinksAreNotServed() throws IOException {
    Files.createSymbolicLink(first.resolve("dangling"), first.resolve("nowhere"));
    Files.createSymbolicLink(first.resolve("loop1"), first.resolve("loop2"));
    Files.createSymbolicLink(first.resolve("loop2"), first.resolve("loop1"));
    refused("salt://dangling").hasMessage("no such file: salt://dangling");
    refused("salt://loop1").hasMessage("no such file: salt://loop1");
  }

  @Test
  void anotherEnvironmentIsRefused() {
    refused("salt://top.sls?saltenv=prod")
        .hasMessage("only the base environment is served, not saltenv=prod");
    refused("salt://top.sls?env=base&x=1")
        .hasMessage("unsupported query (only saltenv=base): env=base&x=1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"file:///etc/shadow", "http://example.com/x", "s3://bucket/x"})
  void otherSchemesAreRefused(String source) {
    refused(source).hasMessageStartingWith("only salt:// sources are served: ");
  }

  @Test
  void aLongRequestIsCutInTheMessage() {
    String longName = "x".repeat(5000);
    refused("salt://" + longName).hasMessageEndingWith("...");
    Throwable t = catchThrowable(() -> roots.resolve(longName));
    assertThat(t.getMessage().length()).isLessThan(300);
  }

  @Test
  void chunksOfABigFileAddUpToItsSha256() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 12345]; // a few MiB, not a multiple of the chunk
    new Random(42).nextBytes(content);
    Files.write(first.resolve("big.bin"), content);
    ServedFile file = roots.resolve("salt://big.bin");
    assertThat(file.size()).isEqualTo(content.length);

    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    long offset = 0;
    int chunks = 0;
    while (true) {
      byte[] chunk = FileRoots.readChunk(file, offset, 256 * 1024);
      if (chunk.length == 0) {
        break; // Salt's end of file
      }
      assertThat(chunk.length).isLessThanOrEqualTo(256 * 1024);
      digest.update(chunk);
      received.write(chunk);
      offset += chunk.length;
      chunks++;
    }
    assertThat(chunks).isEqualTo(13);
    assertThat(offset).isEqualTo(file.size());
    assertThat(digest.digest()).isEqualTo(file.sha256());
    assertThat(received.toByteArray()).isEqualTo(content);
  }

  @Test
  void chunkOffsetsOutsideTheFileAreRefused() throws Exception {
    ServedFile file = roots.resolve("salt://a/b.txt");
    assertThat(FileRoots.readChunk(file, file.size(), 1024)).isEmpty();
    assertThat(FileRoots.readChunk(file, 5, 4)).isEqualTo("the ".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> FileRoots.readChunk(file, -1, 1024))
        .isInstanceOf(FileRequestException.class)
        .hasMessage("offset -1 is outside salt://a/b.txt (19 bytes)");
    assertThatThrownBy(() -> FileRoots.readChunk(file, file.size() + 1, 1024))
        .isInstanceOf(FileRequestException.class)
        .hasMessage("offset 20 is outside salt://a/b.txt (19 bytes)");
    assertThatThrownBy(() -> FileRoots.readChunk(file, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aChunkStopsAtTheHashedSizeIfTheFileGrew() throws Exception {
    ServedFile file = roots.resolve("salt://a/b.txt");
    Files.writeString(first.resolve("a/b.txt"), "from the first root, and then some more");
    assertThat(new String(FileRoots.readChunk(file, 0, 1024), StandardCharsets.UTF_8))
        .isEqualTo("from the first root");
  }

  @Test
  void rootsMustBeExistingFolders() throws IOException {
    assertThatThrownBy(() -> FileRoots.of(List.of(tmp.resolve("missing"))))
        .isInstanceOf(IOException.class)
        .hasMessage("file_roots: " + tmp.resolve("missing") + " does not exist");
    Path file = first.resolve("top.sls");
    assertThatThrownBy(() -> FileRoots.of(List.of(first, file)))
        .isInstanceOf(IOException.class)
        .hasMessage("file_roots: " + file + " is not a folder");
    assertThatThrownBy(() -> FileRoots.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("file_roots lists no folder");
    assertThat(roots.roots()).containsExactly(first, second);
  }
}
