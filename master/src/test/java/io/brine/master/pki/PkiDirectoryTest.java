package io.brine.master.pki;

import static io.brine.master.pki.TestKeys.A;
import static io.brine.master.pki.TestKeys.B;
import static io.brine.master.pki.TestKeys.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.MalformedKeyException;
import io.brine.crypto.WeakKeyException;
import io.brine.master.pki.AuthResult.Verdict;
import io.brine.master.pki.KeyChanges.Change;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salt's state machine (salt.md §1.4) on real files; one test per transition. */
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

  // --- §1.4 step 4: rejected

  @Test
  void rejectedId_isRefusedWhateverTheKey_andNothingIsWritten() throws Exception {
    put(KeyStatus.REJECTED, WEB1, "not even a key");

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(pki.authorize(WEB1, B).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(files()).containsExactly("minions_rejected/web1");
    assertThat(read(KeyStatus.REJECTED, WEB1)).isEqualTo("not even a key");
  }

  // --- §1.4 step 5: accepted

  @Test
  void acceptedSameKey_isAccepted_withTheStoredKey_comparedParsedNotAsText() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);

    AuthResult result = pki.authorize(WEB1, TestKeys.crlf(A));

    assertThat(result.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(result.acceptedKey()).isEqualTo(TestKeys.parse(A));
    assertThat(files()).containsExactly("minions/web1");
  }

  @Test
  void acceptedSameKey_storedInOtherText_isStillTheSameKey() throws Exception {
    // Written by hand: base64 lines of 76 characters instead of 64; the key is the same.
    String body = A.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    StringBuilder rewrapped = new StringBuilder("-----BEGIN PUBLIC KEY-----\n");
    for (int i = 0; i < body.length(); i += 76) {
      rewrapped.append(body, i, Math.min(body.length(), i + 76)).append('\n');
    }
    rewrapped.append("-----END PUBLIC KEY-----\n");
    put(KeyStatus.ACCEPTED, WEB1, rewrapped.toString());

    AuthResult result = pki.authorize(WEB1, TestKeys.parse(A), A);

    assertThat(result.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(result.acceptedKey()).isEqualTo(TestKeys.parse(A));
    assertThat(pki.authorize(WEB1, TestKeys.parse(B), B).verdict()).isEqualTo(Verdict.DENIED);
  }

  @Test
  void acceptedDifferentKey_isDenied_andTheAcceptedKeyKeepsWorking() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);

    assertThat(pki.authorize(WEB1, B).verdict()).isEqualTo(Verdict.DENIED);

    assertThat(read(KeyStatus.DENIED, WEB1)).isEqualTo(B);
    assertThat(read(KeyStatus.ACCEPTED, WEB1)).isEqualTo(A);
    AuthResult original = pki.authorize(WEB1, A);
    assertThat(original.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(original.acceptedKey()).isEqualTo(TestKeys.parse(A));
  }

  @Test
  void deniedAgainWithAThirdKey_overwritesTheDeniedFile() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    pki.authorize(WEB1, B);

    assertThat(pki.authorize(WEB1, C).verdict()).isEqualTo(Verdict.DENIED);

    assertThat(read(KeyStatus.DENIED, WEB1)).isEqualTo(C);
    assertThat(read(KeyStatus.ACCEPTED, WEB1)).isEqualTo(A);
  }

  @Test
  void acceptedKeyFileCorrupt_presentedKeyIsDenied_notAccepted() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, "garbage");

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.DENIED);
    assertThat(read(KeyStatus.ACCEPTED, WEB1)).isEqualTo("garbage");
  }

  // --- §1.4 step 6: no pending file

  @Test
  void onlyADeniedKey_isTreatedAsNew_andGoesToPending() throws Exception {
    put(KeyStatus.DENIED, WEB1, B);

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.PENDING);
    assertThat(read(KeyStatus.PENDING, WEB1)).isEqualTo(A);
  }

  @Test
  void deletedAcceptedKey_reentersPending_onTheNextAuth() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    pki.delete(List.of(WEB1));

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.PENDING);
  }

  @Test
  void autoAccept_newKey_isWrittenToAccepted() throws Exception {
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(true, null, null));

    AuthResult result = pki.authorize(WEB1, A);

    assertThat(result.verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(result.acceptedKey()).isEqualTo(TestKeys.parse(A));
    assertThat(files()).containsExactly("minions/web1");
  }

  @Test
  void autosignFile_globMatches_acceptsNewKey_othersStayPending() throws Exception {
    Path autosign = signingFile("autosign.conf", "# web servers\n\nweb*\n db[0-9] \n");
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(false, autosign, null));

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(pki.authorize(MinionId.of("db7"), B).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(pki.authorize(MinionId.of("mail1"), C).verdict()).isEqualTo(Verdict.PENDING);
    assertThat(files()).containsExactly("minions/db7", "minions/web1", "minions_pre/mail1");
  }

  @Test
  void autorejectFile_newKey_isWrittenToRejected() throws Exception {
    Path autoreject = signingFile("autoreject.conf", "web1\n");
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(false, null, autoreject));

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(files()).containsExactly("minions_rejected/web1");
    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.REJECTED);
  }

  @Test
  void autorejectFile_isCheckedBeforeAutoAccept() throws Exception {
    Path autoreject = signingFile("autoreject.conf", "web?\n");
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(true, null, autoreject));

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.REJECTED);
  }

  @Test
  void worldWritableAutosignFile_isIgnored_keyStaysPending() throws Exception {
    Path autosign = signingFile("autosign.conf", "*\n");
    Files.setPosixFilePermissions(autosign, PosixFilePermissions.fromString("rw-rw-rw-"));
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(false, autosign, null));

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.PENDING);
  }

  @Test
  void missingAutosignFile_matchesNothing() throws Exception {
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(false, pkiDir.resolve("none"), null));

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.PENDING);
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

  @Test
  void pendingDifferentKey_isDenied_andThePendingKeyStays() throws Exception {
    pki.authorize(WEB1, A);

    assertThat(pki.authorize(WEB1, B).verdict()).isEqualTo(Verdict.DENIED);
    assertThat(read(KeyStatus.PENDING, WEB1)).isEqualTo(A);
    assertThat(read(KeyStatus.DENIED, WEB1)).isEqualTo(B);
  }

  @Test
  void pendingThenAutoRejected_movesPendingToRejected() throws Exception {
    pki.authorize(WEB1, A);
    Path autoreject = signingFile("autoreject.conf", "web1\n");
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(false, null, autoreject));

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(files()).containsExactly("minions_rejected/web1");
  }

  @Test
  void pendingSameKeyThenAutoSigned_movesPendingToAccepted() throws Exception {
    pki.authorize(WEB1, A);
    Path autosign = signingFile("autosign.conf", "web1\n");
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(false, autosign, null));

    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(files()).containsExactly("minions/web1");
  }

  @Test
  void pendingDifferentKeyThenAutoSigned_isDenied_notAccepted() throws Exception {
    pki.authorize(WEB1, A);
    pki = PkiDirectory.open(pkiDir, AcceptancePolicy.of(true, null, null));

    assertThat(pki.authorize(WEB1, B).verdict()).isEqualTo(Verdict.DENIED);
    assertThat(files()).containsExactly("minions_denied/web1", "minions_pre/web1");
  }

  // --- keys refused before anything is written

  @Test
  void weakOrForeignOrGarbageKeys_areRefused_beforeAnythingIsWritten() throws Exception {
    assertThatThrownBy(() -> pki.authorize(WEB1, TestKeys.rsa1024()))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("1024 bits");
    assertThatThrownBy(() -> pki.authorize(WEB1, TestKeys.rsaExponent3()))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("exponent is 3");
    assertThatThrownBy(() -> pki.authorize(WEB1, TestKeys.ec()))
        .isInstanceOf(MalformedKeyException.class)
        .hasMessageContaining("not RSA");
    assertThatThrownBy(() -> pki.authorize(WEB1, "hello"))
        .isInstanceOf(MalformedKeyException.class);
    assertThat(files()).isEmpty();
  }

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

  // --- operator transitions

  @Test
  void accept_movesPendingToAccepted_andLeavesOthers() throws Exception {
    pki.authorize(WEB1, A);
    put(KeyStatus.REJECTED, MinionId.of("db1"), B);

    KeyChanges changes = pki.accept(List.of(WEB1, MinionId.of("db1")), false, false);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.PENDING, KeyStatus.ACCEPTED));
    assertThat(changes.acceptedKeyRemoved()).isFalse();
    assertThat(files()).containsExactly("minions/web1", "minions_rejected/db1");
    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void accept_includeRejected_movesRejectedToAccepted() throws Exception {
    put(KeyStatus.REJECTED, WEB1, A);

    KeyChanges changes = pki.accept(List.of(WEB1), true, false);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.REJECTED, KeyStatus.ACCEPTED));
    assertThat(files()).containsExactly("minions/web1");
  }

  @Test
  void accept_includeDenied_replacesTheAcceptedKey_andAsksForARotation() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    pki.authorize(WEB1, B);

    KeyChanges changes = pki.accept(List.of(WEB1), false, true);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.DENIED, KeyStatus.ACCEPTED));
    assertThat(changes.acceptedKeyRemoved()).isTrue();
    assertThat(read(KeyStatus.ACCEPTED, WEB1)).isEqualTo(B);
    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.DENIED);
    assertThat(pki.authorize(WEB1, B).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void accept_corruptPendingFile_isRefusedAndLeftInPlace() throws Exception {
    put(KeyStatus.PENDING, WEB1, "garbage");

    KeyChanges changes = pki.accept(List.of(WEB1), false, false);

    assertThat(changes.changes()).isEmpty();
    assertThat(changes.refused())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("not a usable RSA public key"));
    assertThat(files()).containsExactly("minions_pre/web1");
  }

  @Test
  void reject_movesPendingToRejected_withoutARotation() throws Exception {
    pki.authorize(WEB1, A);

    KeyChanges changes = pki.reject(List.of(WEB1), false, false);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.PENDING, KeyStatus.REJECTED));
    assertThat(changes.acceptedKeyRemoved()).isFalse();
    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.REJECTED);
  }

  @Test
  void reject_acceptedKeyOnlyWithIncludeAccepted_thenAsksForARotation() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);

    assertThat(pki.reject(List.of(WEB1), false, false).changes()).isEmpty();
    KeyChanges changes = pki.reject(List.of(WEB1), true, false);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.ACCEPTED, KeyStatus.REJECTED));
    assertThat(changes.acceptedKeyRemoved()).isTrue();
    assertThat(pki.authorize(WEB1, A).verdict()).isEqualTo(Verdict.REJECTED);
  }

  @Test
  void reject_includeDenied_movesDeniedToRejected_acceptedKeyKept() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    pki.authorize(WEB1, B);

    KeyChanges changes = pki.reject(List.of(WEB1), false, true);

    assertThat(changes.changes())
        .containsExactly(new Change(WEB1, KeyStatus.DENIED, KeyStatus.REJECTED));
    assertThat(changes.acceptedKeyRemoved()).isFalse();
    assertThat(files()).containsExactly("minions/web1", "minions_rejected/web1");
  }

  @Test
  void delete_removesTheKeyInEveryStatus_andAsksForARotationWhenOneWasAccepted() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    pki.authorize(WEB1, B);
    pki.authorize(MinionId.of("db1"), C);

    KeyChanges changes = pki.delete(List.of(WEB1, MinionId.of("db1"), MinionId.of("nobody")));

    assertThat(changes.changes())
        .containsExactly(
            new Change(MinionId.of("db1"), KeyStatus.PENDING, null),
            new Change(WEB1, KeyStatus.ACCEPTED, null),
            new Change(WEB1, KeyStatus.DENIED, null));
    assertThat(changes.acceptedKeyRemoved()).isTrue();
    assertThat(files()).isEmpty();
  }

  @Test
  void list_andStatuses_andPublicKeyPem_showWhatIsOnDisk() throws Exception {
    put(KeyStatus.ACCEPTED, WEB1, A);
    pki.authorize(WEB1, B);
    pki.authorize(MinionId.of("db1"), C);

    Map<KeyStatus, List<MinionId>> all = pki.list();

    assertThat(all.get(KeyStatus.ACCEPTED)).containsExactly(WEB1);
    assertThat(all.get(KeyStatus.DENIED)).containsExactly(WEB1);
    assertThat(all.get(KeyStatus.PENDING)).containsExactly(MinionId.of("db1"));
    assertThat(all.get(KeyStatus.REJECTED)).isEmpty();
    assertThat(pki.statuses(WEB1)).isEqualTo(Set.of(KeyStatus.ACCEPTED, KeyStatus.DENIED));
    assertThat(pki.publicKeyPem(KeyStatus.DENIED, WEB1)).contains(B);
    assertThat(pki.publicKeyPem(KeyStatus.REJECTED, WEB1)).isEmpty();
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

  private Path signingFile(String name, String content) throws IOException {
    Path f = pkiDir.resolve(name);
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    return f;
  }
}
