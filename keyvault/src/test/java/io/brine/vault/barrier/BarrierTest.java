package io.brine.vault.barrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.vault.IntegrityException;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.KeyringStatus;
import io.brine.vault.SealedException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.FileStorage;
import io.brine.vault.storage.InMemoryStorage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarrierTest {
  @TempDir Path dir;

  private FileStorage physical;

  @BeforeEach
  void openStorage() throws Exception {
    physical = FileStorage.open(dir);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] onDisk(String logicalPath) throws Exception {
    return Files.readAllBytes(dir.resolve("barrier").resolve(logicalPath));
  }

  private static int termPrefix(byte[] entry) {
    return ByteBuffer.wrap(entry).getInt();
  }

  private Barrier unsealed() {
    Barrier barrier = new Barrier(physical);
    barrier.install(Keyring.generate());
    return barrier;
  }

  @Test
  void newBarrier_isSealed_andRefusesEveryOperation() {
    Barrier barrier = new Barrier(physical);

    assertThat(barrier.isSealed()).isTrue();
    assertThatThrownBy(() -> barrier.get("a"))
        .isInstanceOf(SealedException.class)
        .hasMessage("Vault is sealed");
    assertThatThrownBy(() -> barrier.put("a", utf8("x"))).isInstanceOf(SealedException.class);
    assertThatThrownBy(() -> barrier.delete("a")).isInstanceOf(SealedException.class);
    assertThatThrownBy(() -> barrier.list("")).isInstanceOf(SealedException.class);
    assertThatThrownBy(barrier::activeTerm).isInstanceOf(SealedException.class);
    assertThatThrownBy(barrier::activeTermInstallTime).isInstanceOf(SealedException.class);
    assertThatThrownBy(barrier::encryptionsInActiveTerm).isInstanceOf(SealedException.class);
    assertThatThrownBy(barrier::keyringStatus).isInstanceOf(SealedException.class);
  }

  @Test
  void putThenGet_givesValue() throws Exception {
    Barrier barrier = unsealed();

    barrier.put("master/key", utf8("-----BEGIN PRIVATE KEY-----"));

    assertThat(barrier.get("master/key"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("-----BEGIN PRIVATE KEY-----")));
    assertThat(barrier.get("master/other")).isEmpty();
  }

  @Test
  void put_storesTermVersionAndCiphertextNotPlaintext() throws Exception {
    Barrier barrier = unsealed();
    byte[] value = utf8("minion token: do not leak");

    barrier.put("minions/web1", value);

    byte[] stored = onDisk("minions/web1");
    assertThat(stored).hasSize(4 + 1 + 12 + value.length + 16);
    assertThat(termPrefix(stored)).isEqualTo(1);
    assertThat(stored[4]).isEqualTo((byte) 0x02);
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("minion token");
  }

  @Test
  void list_stripsThePhysicalPrefix() throws Exception {
    Barrier barrier = unsealed();
    physical.put("core/keyring", utf8("the vault core's own record"));

    barrier.put("a", utf8("1"));
    barrier.put("b/c", utf8("2"));

    assertThat(barrier.list("")).containsExactly("a", "b/");
    assertThat(barrier.list("b/")).containsExactly("c");
    assertThat(physical.list("")).containsExactly("barrier/", "core/");
  }

  @Test
  void delete_removesTheStoredEntry() throws Exception {
    Barrier barrier = unsealed();
    barrier.put("a/b", utf8("x"));

    barrier.delete("a/b");

    assertThat(barrier.get("a/b")).isEmpty();
    assertThat(physical.get("barrier/a/b")).isEmpty();
  }

  @Test
  void get_valueMovedToAnotherPath_throwsIntegrity() throws Exception {
    Barrier barrier = unsealed();
    barrier.put("minions/web1", utf8("web1's key"));
    barrier.put("minions/db1", utf8("db1's key"));

    Files.copy(
        dir.resolve("barrier/minions/web1"),
        dir.resolve("barrier/minions/db1"),
        StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> barrier.get("minions/db1"))
        .isInstanceOf(IntegrityException.class)
        .hasMessage("stored value at minions/db1 failed its integrity check");
  }

  @Test
  void get_flippedByteOnDisk_throwsIntegrityNeverData() throws Exception {
    Barrier barrier = unsealed();
    barrier.put("k", utf8("some value"));
    byte[] original = onDisk("k");

    for (int i = 0; i < original.length; i++) {
      byte[] tampered = original.clone();
      tampered[i] ^= (byte) 0x80;
      Files.write(dir.resolve("barrier/k"), tampered);
      assertThatThrownBy(() -> barrier.get("k"))
          .as("byte %d flipped", i)
          .isInstanceOf(IntegrityException.class);
    }
  }

  @Test
  void get_malformedEntries_sayWhatIsWrong() throws Exception {
    Barrier barrier = unsealed();
    barrier.put("k", utf8("v"));
    byte[] stored = onDisk("k");

    physical.put("barrier/k", new byte[32]);
    assertThatThrownBy(() -> barrier.get("k"))
        .isInstanceOf(IntegrityException.class)
        .hasMessage("stored value at k is too short for a barrier entry");

    byte[] otherVersion = stored.clone();
    otherVersion[4] = 0x01;
    physical.put("barrier/k", otherVersion);
    assertThatThrownBy(() -> barrier.get("k"))
        .isInstanceOf(IntegrityException.class)
        .hasMessage("stored value at k has unknown barrier version 1");

    byte[] otherTerm = stored.clone();
    otherTerm[3] = 7;
    physical.put("barrier/k", otherTerm);
    assertThatThrownBy(() -> barrier.get("k"))
        .isInstanceOf(IntegrityException.class)
        .hasMessage("no barrier key for term 7 at k");
  }

  @Test
  void install_rotatedKeyring_readsOldTermsAndWritesUnderNewTerm() throws Exception {
    Keyring first = Keyring.generate();
    Barrier barrier = new Barrier(physical);
    barrier.install(first);
    barrier.put("old", utf8("written under term 1"));

    barrier.install(first.withNewTerm());
    barrier.put("new", utf8("written under term 2"));

    assertThat(barrier.activeTerm()).isEqualTo(2);
    assertThat(termPrefix(onDisk("old"))).isEqualTo(1);
    assertThat(termPrefix(onDisk("new"))).isEqualTo(2);
    assertThat(barrier.get("old"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("written under term 1")));
    assertThat(barrier.get("new"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("written under term 2")));
    assertThat(first.isDestroyed()).as("install must not destroy the shared keys").isFalse();
  }

  @Test
  void status_reportsActiveTermTimeAndCount() throws Exception {
    Instant before = Instant.now();
    Barrier barrier = unsealed();

    barrier.put("a", utf8("1"));
    barrier.put("b", utf8("2"));
    barrier.get("a");

    KeyringStatus status = barrier.keyringStatus();
    assertThat(status.term()).isEqualTo(1);
    assertThat(status.installTime()).isBetween(before, Instant.now());
    assertThat(status.encryptions()).isEqualTo(2);
    assertThat(barrier.activeTerm()).isEqualTo(1);
    assertThat(barrier.activeTermInstallTime()).isEqualTo(status.installTime());
    assertThat(barrier.encryptionsInActiveTerm()).isEqualTo(2);
  }

  @Test
  void rotationDue_firesOncePerTermWhenTheLimitIsReached() throws Exception {
    AtomicInteger signals = new AtomicInteger();
    Barrier barrier = new Barrier(physical, 5, signals::incrementAndGet);
    Keyring keyring = Keyring.generate();
    barrier.install(keyring);

    for (int i = 0; i < 4; i++) {
      barrier.put("v" + i, utf8("x"));
    }
    assertThat(signals).hasValue(0);
    barrier.put("v4", utf8("x"));
    assertThat(signals).hasValue(1);
    for (int i = 0; i < 10; i++) {
      barrier.put("w" + i, utf8("x"));
    }
    assertThat(signals).as("writes go on until the core rotates, but signal once").hasValue(1);
    assertThat(barrier.encryptionsInActiveTerm()).isEqualTo(15);

    barrier.install(keyring); // re-installing the same term keeps its count and its signal
    barrier.put("again", utf8("x"));
    assertThat(signals).hasValue(1);
    assertThat(barrier.encryptionsInActiveTerm()).isEqualTo(16);

    barrier.install(keyring.withNewTerm());
    assertThat(barrier.encryptionsInActiveTerm()).isZero();
    for (int i = 0; i < 5; i++) {
      barrier.put("t2-" + i, utf8("x"));
    }
    assertThat(signals).hasValue(2);
  }

  @Test
  void rotationDue_throwing_isRetriedOnTheNextWrite() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Barrier barrier =
        new Barrier(
            physical,
            1,
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("core busy");
              }
            });
    barrier.install(Keyring.generate());

    barrier.put("a", utf8("x"));
    barrier.put("b", utf8("x"));
    barrier.put("c", utf8("x"));

    assertThat(calls).hasValue(2);
    assertThat(barrier.get("a")).isPresent();
  }

  @Test
  void seal_destroysEveryKeyAndSeals() throws Exception {
    Keyring keyring = Keyring.generate().withNewTerm();
    Barrier barrier = new Barrier(physical);
    barrier.install(keyring);
    barrier.put("a", utf8("x"));

    barrier.seal();

    assertThat(barrier.isSealed()).isTrue();
    assertThat(keyring.isDestroyed()).isTrue();
    for (int term : keyring.terms()) {
      assertThat(keyring.key(term).orElseThrow().isDestroyed()).as("term %d", term).isTrue();
    }
    assertThatThrownBy(() -> barrier.get("a")).isInstanceOf(SealedException.class);
    barrier.seal(); // sealing twice is fine
  }

  @Test
  void sealThenUnsealWithPersistedKeyring_readsEverything() throws Exception {
    AesGcmKey rootKey = AesGcmKey.generate();
    Keyring keyring = Keyring.generate().withNewTerm();
    byte[] persisted = keyring.encrypt(rootKey);
    Barrier barrier = new Barrier(physical);
    barrier.install(keyring);
    barrier.put("a/b", utf8("survives a seal"));

    barrier.seal();
    Barrier afterRestart = new Barrier(FileStorage.open(dir));
    afterRestart.install(Keyring.decrypt(persisted, rootKey));

    assertThat(afterRestart.get("a/b"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("survives a seal")));
  }

  @Test
  void install_destroyedKeyring_isRefused() {
    Keyring keyring = Keyring.generate();
    keyring.destroy();

    assertThatThrownBy(() -> new Barrier(physical).install(keyring))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void put_pathTooLongForThePhysicalPrefix_throwsInvalidRequest() {
    Barrier barrier = unsealed();
    String path = "a".repeat(200) + "/" + "b".repeat(200) + "/" + "c".repeat(104);
    assertThat(path).hasSize(506);

    assertThatThrownBy(() -> barrier.put(path, utf8("x")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("barrier path is longer than 504 characters");
  }

  @Test
  void constructor_limitOutOfRange_throws() {
    assertThatThrownBy(() -> new Barrier(physical, 0, () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Barrier(physical, (1L << 32) + 1, () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Seal racing with writers: every put either fails with SealedException or stores a value that
   * decrypts after the next unseal; none is encrypted under a half-wiped key.
   */
  @Test
  void seal_duringConcurrentPuts_neverStoresAnUnreadableValue() throws Exception {
    AesGcmKey rootKey = AesGcmKey.generate();
    Keyring keyring = Keyring.generate();
    byte[] persisted = keyring.encrypt(rootKey);
    InMemoryStorage memory = new InMemoryStorage();
    Barrier barrier = new Barrier(memory);
    barrier.install(keyring);
    List<String> written = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int writer = w;
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  String path = "w" + writer + "/" + i;
                  try {
                    barrier.put(path, utf8("value " + i));
                    written.add(path);
                  } catch (SealedException e) {
                    return;
                  } catch (VaultException | RuntimeException e) {
                    unexpected.add(e);
                    return;
                  }
                }
              });
      t.start();
      writers.add(t);
    }
    while (written.size() < 500 && writers.stream().anyMatch(Thread::isAlive)) {
      Thread.onSpinWait();
    }
    barrier.seal();
    for (Thread t : writers) {
      t.join();
    }

    assertThat(unexpected).isEmpty();
    Barrier reopened = new Barrier(memory);
    reopened.install(Keyring.decrypt(persisted, rootKey));
    for (String path : written) {
      assertThat(reopened.get(path)).as(path).isPresent();
    }
  }
}
