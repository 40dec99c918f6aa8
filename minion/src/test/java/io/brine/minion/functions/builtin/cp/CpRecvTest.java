package io.brine.minion.functions.builtin.cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.ChunkedFiles;
import io.brine.minion.functions.FileFetcher;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.PipelinedCopy;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cp.recv against a master that is a byte array: several reads really in flight (the fake answers
 * nothing until a full window is out), content and mode on disk, and every refusal leaving the
 * destination as it was with no temp file behind.
 */
class CpRecvTest {
  private static final String SOURCE = "brine-staged://" + "ab".repeat(16);
  private static final int CHUNK = 1024;

  @TempDir Path dir;

  /** A staged file served in CHUNK-byte reads, answered only once a whole window is asked. */
  private static final class FakeMaster implements FunctionContext, FileFetcher, ChunkedFiles {
    final byte[] content;
    byte[] statSha;
    final AtomicInteger reads = new AtomicInteger();
    int mostInFlight;
    private final List<Runnable> pending = new ArrayList<>();
    private long requestedThrough;

    FakeMaster(byte[] content) {
      this.content = content;
      this.statSha = sha256(content);
    }

    @Override
    public MinionId minionId() {
      return MinionId.of("web1");
    }

    @Override
    public FileFetcher files() {
      return this;
    }

    @Override
    public long fetch(String source, Path dest) {
      throw new AssertionError("cp.recv does not use fetch");
    }

    @Override
    public Stat stat(String source) throws IOException {
      if (!source.equals(SOURCE)) {
        throw new IOException("no such staged file");
      }
      return new Stat(content.length, statSha);
    }

    @Override
    public synchronized CompletableFuture<byte[]> read(String source, long offset, int length) {
      reads.incrementAndGet();
      CompletableFuture<byte[]> f = new CompletableFuture<>();
      pending.add(
          () ->
              f.complete(
                  Arrays.copyOfRange(
                      content, (int) offset, (int) Math.min(content.length, offset + length))));
      requestedThrough = offset + length;
      mostInFlight = Math.max(mostInFlight, pending.size());
      if (pending.size() == PipelinedCopy.WINDOW || requestedThrough >= content.length) {
        pending.forEach(Runnable::run);
        pending.clear();
      }
      return f;
    }

    @Override
    public int chunkBytes() {
      return CHUNK;
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static Map<String, Object> kwargs(byte[] content, Path dest, String... more) {
    Map<String, Object> kw = new LinkedHashMap<>();
    kw.put("source", SOURCE);
    kw.put("dest", dest.toString());
    kw.put("size", String.valueOf(content.length));
    kw.put("sha256", HexFormat.of().formatHex(sha256(content)));
    for (int i = 0; i < more.length; i += 2) {
      kw.put(more[i], more[i + 1]);
    }
    return kw;
  }

  private static FunctionOutput run(CpRecv f, FakeMaster m, Map<String, Object> kw)
      throws Exception {
    return f.call(new FunctionCall(List.of(), kw, m));
  }

  private List<String> leftovers() throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(AtomicReceive.TEMP_PREFIX))
          .toList();
    }
  }

  @Test
  void aMultiChunkFile_arrivesWhole_withItsMode_andSeveralReadsInFlight() throws Exception {
    byte[] content = random(CHUNK * 20 + 17);
    FakeMaster m = new FakeMaster(content);
    Path dest = dir.resolve("app.bin");
    FunctionOutput out = run(new CpRecv(), m, kwargs(content, dest, "mode", "0640"));
    assertThat(out.retcode()).as(String.valueOf(out.value())).isZero();
    assertThat(out.value()).isEqualTo(Map.of(dest.toString(), true));
    assertThat(Files.readAllBytes(dest)).isEqualTo(content);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)))
        .isEqualTo("rw-r-----");
    assertThat(m.reads.get()).isEqualTo(21);
    assertThat(m.mostInFlight).isEqualTo(PipelinedCopy.WINDOW);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void ownerAndGroup_areSet_whenTheMinionMayChown() throws Exception {
    byte[] content = random(10);
    Path dest = dir.resolve("owned.txt");
    FunctionOutput out =
        run(new CpRecv(), new FakeMaster(content),
            kwargs(content, dest, "user", "nobody", "group", "nogroup"));
    if (!"root".equals(System.getProperty("user.name"))) {
      // A non-root minion cannot give files away: the refusal is the job's, nothing at dest.
      assertThat(out.retcode()).isEqualTo(1);
      assertThat(dest).doesNotExist();
      return;
    }
    assertThat(out.retcode()).as(String.valueOf(out.value())).isZero();
    assertThat(Files.getOwner(dest, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("nobody");
    assertThat(Files.readAttributes(dest, java.nio.file.attribute.PosixFileAttributes.class)
            .group().getName()).isEqualTo("nogroup");
  }

  @Test
  void aWrongHash_leavesTheOldDestinationAndNoTempFile() throws Exception {
    byte[] content = random(CHUNK * 3);
    Path dest = dir.resolve("conf");
    Files.writeString(dest, "old");
    FakeMaster m = new FakeMaster(content);
    Map<String, Object> kw = kwargs(content, dest);
    // The master's stat agrees with the job, the bytes do not: one flipped in the middle.
    content[CHUNK + 5] ^= 1;
    FunctionOutput out = run(new CpRecv(), m, kw);
    assertThat(out.retcode()).isEqualTo(1);
    assertThat(String.valueOf(out.value())).contains("does not match its SHA-256");
    assertThat(Files.readString(dest)).isEqualTo("old");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aStagedFileOtherThanTheJobSays_isRefusedBeforeAnyRead() throws Exception {
    byte[] content = random(100);
    FakeMaster m = new FakeMaster(content);
    m.statSha = sha256(new byte[] {1});
    Path dest = dir.resolve("x");
    FunctionOutput out = run(new CpRecv(), m, kwargs(content, dest));
    assertThat(out.retcode()).isEqualTo(1);
    assertThat(String.valueOf(out.value())).contains("not the one the operator sent");
    assertThat(m.reads.get()).isZero();
    assertThat(dest).doesNotExist();
  }

  @Test
  void aFileOverTheLimit_isRefused_beforeAnyRead() throws Exception {
    byte[] content = random(CHUNK * 2);
    FakeMaster m = new FakeMaster(content);
    Path dest = dir.resolve("big");
    FunctionOutput out = run(new CpRecv(CHUNK), m, kwargs(content, dest));
    assertThat(out.retcode()).isEqualTo(1);
    assertThat(String.valueOf(out.value())).contains("over this minion's limit of " + CHUNK);
    assertThat(m.reads.get()).isZero();
    assertThat(dest).doesNotExist();
  }

  @Test
  void aMissingFolder_isAClearError() throws Exception {
    byte[] content = random(10);
    Path dest = dir.resolve("no/such/folder/f");
    FunctionOutput out = run(new CpRecv(), new FakeMaster(content), kwargs(content, dest));
    assertThat(out.retcode()).isEqualTo(1);
    assertThat(String.valueOf(out.value()))
        .contains(dir.resolve("no/such/folder").toString())
        .contains("the destination's folder does not exist");
    assertThat(dir.resolve("no")).doesNotExist();
  }

  @Test
  void aFolderAsDest_getsTheFilesName_andAnUnknownUserWritesNothing() throws Exception {
    byte[] content = random(10);
    FunctionOutput out =
        run(new CpRecv(), new FakeMaster(content), kwargs(content, dir, "name", "motd"));
    assertThat(out.value()).isEqualTo(Map.of(dir.resolve("motd").toString(), true));
    assertThat(Files.readAllBytes(dir.resolve("motd"))).isEqualTo(content);

    Path dest = dir.resolve("u");
    FunctionOutput unknown =
        run(new CpRecv(), new FakeMaster(content), kwargs(content, dest, "user", "no-such-user-x"));
    assertThat(unknown.retcode()).isEqualTo(1);
    assertThat(String.valueOf(unknown.value())).contains("no user named no-such-user-x");
    assertThat(dest).doesNotExist();
  }

  @Test
  void badArguments_areRefusedInOneLine() {
    byte[] content = random(10);
    CpRecv f = new CpRecv();
    FakeMaster m = new FakeMaster(content);
    assertThatThrownBy(() -> run(f, m, kwargs(content, dir.resolve("a"), "mode", "4755")))
        .isInstanceOf(FunctionException.class)
        .hasMessageContaining("without setuid");
    assertThatThrownBy(() -> run(f, m, kwargs(content, Path.of("relative"))))
        .isInstanceOf(FunctionException.class)
        .hasMessageContaining("absolute");
    Map<String, Object> kw = kwargs(content, dir.resolve("a"));
    kw.put("source", "salt://x");
    assertThatThrownBy(() -> run(f, m, kw))
        .isInstanceOf(FunctionException.class)
        .hasMessageContaining("brine-staged://");
  }
}
