package io.brine.master.pki;

import static io.brine.master.pki.TestKeys.A;
import static io.brine.master.pki.TestKeys.B;
import static io.brine.master.pki.TestKeys.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.master.pki.AuthResult.Verdict;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to the folders: layout and modes, what is rewritten, names, the repair of an
 * interrupted move, links. The decisions themselves run on the folders in {@link
 * PkiDirectoryContractTest}.
 */
class PkiDirectoryTest {
  private static final MinionId WEB1 = MinionId.of("web1");

  @TempDir Path pkiDir;

  private PkiDirectory pki;

  @BeforeEach
  void open() throws IOException {
    pki = PkiDirectory.open(pkiDir);
  }

  private Path file(KeyStatus status, MinionId id) {
    return pkiDir.resolve("master").resolve(status.dirName()).resolve(id.value());
  }

  private void put(KeyStatus status, MinionId id, String pem) throws IOException {
    Files.writeString(file(status, id), pem);
  }

  private String read(KeyStatus status, MinionId id) throws IOException {
    return Files.readString(file(status, id));
  }

  /** Every file under the PKI folder, relative, sorted: what a test expects to be there. */
  private List<String> files() throws IOException {
    Path root = pkiDir.resolve("master");
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  // --- layout

  @Test
  void open_createsTheFourFolders0700() throws IOException {
    for (KeyStatus status : KeyStatus.values()) {
      Path dir = pkiDir.resolve("master").resolve(status.dirName());
      assertThat(dir).isDirectory();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void newKey_isWrittenToPending_mode0644_withUnixLineEnds() throws Exception {
    AuthResult result = pki.authorize(WEB1, TestKeys.crlf(A));

    assertThat(result.verdict()).isEqualTo(Verdict.PENDING);
    assertThat(result.acceptedKey()).isNull();
    assertThat(read(KeyStatus.PENDING, WEB1)).isEqualTo(A);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file(KeyStatus.PENDING, WEB1))))
        .isEqualTo("rw-r--r--");
    assertThat(files()).containsExactly("minions_pre/web1");
  }

  // --- §1.4 step 7: pending file exists

  @Test
  void pendingSameKey_staysPending_andIsNotRewritten() throws Exception {
    pki.authorize(WEB1, A);
    Files.setLastModifiedTime(
        file(KeyStatus.PENDING, WEB1), java.nio.file.attribute.FileTime.fromMillis(0));

    assertThat(pki.authorize(WEB1, TestKeys.crlf(A)).verdict()).isEqualTo(Verdict.PENDING);
    assertThat(Files.getLastModifiedTime(file(KeyStatus.PENDING, WEB1)).toMillis()).isZero();
  }

  // --- names

  @Test
  void invalidIds_cannotBeMade_andFilesNamedByNoValidIdAreIgnored() throws Exception {
    for (String bad :
        List.of("../web1", "a/b", "..", ".hidden", "-L", "a\u0000b", "x".repeat(10_000))) {
      assertThatThrownBy(() -> MinionId.of(bad)).isInstanceOf(IllegalArgumentException.class);
    }
    Files.writeString(pkiDir.resolve("master/minions_pre/bad name"), A);
    Files.writeString(pkiDir.resolve("master/minions_pre/.key_cache"), "x");

    pki = PkiDirectory.open(pkiDir);

    assertThat(pki.list().get(KeyStatus.PENDING)).isEmpty();
  }

  // --- crash repair

  @Test
  void reopen_keyInPendingAndAccepted_staysAccepted() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    put(KeyStatus.PENDING, WEB1, A);

    pki = PkiDirectory.open(pkiDir);

    assertThat(files()).containsExactly("minions/web1");
  }

  @Test
  void reopen_keyInAcceptedAndRejected_staysRejected() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    put(KeyStatus.REJECTED, WEB1, A);

    pki = PkiDirectory.open(pkiDir);

    assertThat(files()).containsExactly("minions_rejected/web1");
  }

  @Test
  void reopen_keyInPendingAndRejected_staysRejected() throws Exception {
    put(KeyStatus.PENDING, WEB1, A);
    put(KeyStatus.REJECTED, WEB1, A);

    pki = PkiDirectory.open(pkiDir);

    assertThat(files()).containsExactly("minions_rejected/web1");
  }

  @Test
  void reopen_deniedCopyOfTheAcceptedKey_isRemoved_aDifferentDeniedKeyStays() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    put(KeyStatus.DENIED, WEB1, TestKeys.crlf(A));
    put(KeyStatus.ACCEPTED, MinionId.of("db1"), B);
    put(KeyStatus.DENIED, MinionId.of("db1"), C);

    pki = PkiDirectory.open(pkiDir);

    assertThat(files()).containsExactly("minions/db1", "minions/web1", "minions_denied/db1");
  }

  @Test
  void reopen_removesTempFilesOfAnInterruptedWrite() throws Exception {
    Files.writeString(pkiDir.resolve("master/minions/" + KeyFiles.TEMP_PREFIX + "web1-00"), "half");

    pki = PkiDirectory.open(pkiDir);

    assertThat(files()).isEmpty();
  }

  // --- links

  @Test
  void symlinkedKeyFile_isNotFollowed_minionRefused_targetUntouched() throws Exception {
    Path outside = Files.writeString(pkiDir.resolve("outside.pem"), A);
    Files.createSymbolicLink(file(KeyStatus.ACCEPTED, WEB1), outside);

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(pki.list().get(KeyStatus.ACCEPTED)).isEmpty();
    assertThat(pki.statuses(WEB1)).isEmpty();
    assertThat(Files.readString(outside)).isEqualTo(A);
  }

  @Test
  void symlinkedDeniedFile_isReplacedByTheRename_notWrittenThrough() throws Exception {
    Path outside = Files.writeString(pkiDir.resolve("outside.pem"), "keep me");
    put(KeyStatus.ACCEPTED, WEB1, A);
    Files.createSymbolicLink(file(KeyStatus.DENIED, WEB1), outside);

    assertThat(pki.authorize(WEB1, B).verdict()).isEqualTo(Verdict.DENIED);

    assertThat(Files.isSymbolicLink(file(KeyStatus.DENIED, WEB1))).isFalse();
    assertThat(read(KeyStatus.DENIED, WEB1)).isEqualTo(B);
    assertThat(Files.readString(outside)).isEqualTo("keep me");
  }

  @Test
  void symlinkedStatusFolder_isRefusedAtOpen() throws Exception {
    Path other = Files.createDirectory(pkiDir.resolve("elsewhere"));
    Path pre = pkiDir.resolve("master/minions_pre");
    Files.delete(pre);
    Files.createSymbolicLink(pre, other);

    assertThatThrownBy(() -> PkiDirectory.open(pkiDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
  }
}
