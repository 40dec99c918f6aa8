package io.brine.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.storage.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two vaults of a cluster on one storage (a real folder both open), unsealed with the same shares:
 * the first writes and changes the keys as an active master does, the second only reads, and must
 * read every value the first writes, whatever it rotated since.
 */
class SharedStorageFollowTest {
  @TempDir Path dir;

  /** A cluster lock that counts its uses and refuses while {@link #held}. */
  private static final class TestLock implements ClusterLock {
    final AtomicInteger uses = new AtomicInteger();
    volatile boolean held;

    @Override
    public <T> T whileHolding(String purpose, Step<T> step) throws VaultException {
      if (held) {
        throw new InvalidRequestException("cannot " + purpose + ": held");
      }
      uses.incrementAndGet();
      return step.run();
    }
  }

  private final TestLock lock = new TestLock();
  private VaultCore active;
  private VaultCore standby;
  private InitResult init;

  @BeforeEach
  void twoMasters() throws Exception {
    active = VaultCore.builder(FileStorage.open(dir.resolve("vault"))).cluster(lock).build();
    standby = VaultCore.builder(FileStorage.open(dir.resolve("vault"))).cluster(lock).build();
    assertThat(standby.sealStatus().initialized()).isFalse();
    init = active.initialize(new InitRequest(3, 2, 0, 0));
    assertThat(lock.uses.get()).isEqualTo(1);
  }

  @AfterEach
  void close() {
    active.close();
    standby.close();
  }

  private static void unseal(VaultCore vault, List<String> shares) throws VaultException {
    for (String s : shares) {
      vault.submitUnsealKey(s, false);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String read(String path) throws VaultException {
    return new String(standby.barrier().get(path).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void aSealedMemberSeesTheInitAnotherMadeAndUnsealsWithItsShares() throws Exception {
    // The standby read the storage before the init: on a shared storage it reads it again (a
    // status at most once a second, an operation every time).
    assertThat(standby.isInitialized()).isTrue();
    assertThat(standby.sealStatus().initialized()).isTrue();
    assertThat(standby.sealStatus().t()).isEqualTo(2);
    unseal(standby, init.keys().subList(0, 2));
    assertThat(standby.sealStatus().sealed()).isFalse();
  }

  @Test
  void aSecondInitFindsTheVaultInitialized_withoutTakingTheLock() throws Exception {
    assertThatThrownBy(() -> standby.initialize(new InitRequest(1, 1, 0, 0)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Vault is already initialized");
    assertThat(lock.uses.get()).isEqualTo(1);
  }

  @Test
  void initWhileAnotherHoldsTheLockIsRefused_andWritesNothing() throws Exception {
    FileStorage other = FileStorage.open(dir.resolve("other"));
    try (VaultCore vault = VaultCore.builder(other).cluster(lock).build()) {
      lock.held = true;
      assertThatThrownBy(() -> vault.initialize(new InitRequest(1, 1, 0, 0)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage("cannot initialize the vault: held");
      assertThat(other.list("")).isEmpty();
      lock.held = false;
      assertThat(vault.initialize(new InitRequest(1, 1, 0, 0)).keys()).hasSize(1);
    }
  }

  @Test
  void followsKeyringRotations_rootKeyRotations_andRekeys() throws Exception {
    unseal(active, init.keys().subList(0, 2));
    unseal(standby, init.keys().subList(1, 3));
    String token = init.rootToken();

    active.barrier().put("test/before", bytes("one"));
    assertThat(read("test/before")).isEqualTo("one");

    // A new term: the standby meets a value under a term it does not know and reloads once.
    active.rotateKeyring(token);
    active.barrier().put("test/term2", bytes("two"));
    assertThat(read("test/term2")).isEqualTo("two");
    assertThat(standby.barrier().get("test/before")).isPresent();

    // A new root key (its own shares unwrap it), then a new term under it.
    active.rotateRootKey(token);
    active.rotateKeyring(token);
    active.barrier().put("test/term3", bytes("three"));
    assertThat(read("test/term3")).isEqualTo("three");

    // A rekey: new shares and a new root key; the standby's shares no longer open it, but the
    // KEK the active master shared behind the barrier does.
    String nonce = active.startRotation(token, RotationKind.ROOT, 3, 2).nonce();
    active.submitRotationKey(token, RotationKind.ROOT, init.keys().get(0), nonce);
    RotationUpdate rekeyed =
        active.submitRotationKey(token, RotationKind.ROOT, init.keys().get(1), nonce);
    assertThat(rekeyed.complete()).isTrue();
    active.rotateKeyring(token);
    active.barrier().put("test/term4", bytes("four"));
    assertThat(read("test/term4")).isEqualTo("four");
    assertThat(standby.sealStatus().sealed()).isFalse();

    // Taking over after the first seals: the standby's next root-key rotation uses the new KEK,
    // so the new shares (not the old ones) unseal the vault afterwards.
    active.seal(token);
    standby.takeOver();
    standby.rotateRootKey(token);
    standby.barrier().put("test/after", bytes("five"));
    standby.seal(token);
    VaultCore fresh = VaultCore.builder(FileStorage.open(dir.resolve("vault"))).cluster(lock).build();
    try {
      assertThatThrownBy(() -> unseal(fresh, init.keys().subList(0, 2)))
          .isInstanceOf(InvalidRequestException.class);
      unseal(fresh, rekeyed.keys().subList(0, 2));
      assertThat(new String(fresh.barrier().get("test/after").orElseThrow(), StandardCharsets.UTF_8))
          .isEqualTo("five");
      assertThat(fresh.barrier().get("test/term2")).isPresent();
    } finally {
      fresh.close();
    }
  }

  @Test
  void aValueUnderATermNoRecordNamesIsRefused_andTheStandbyStaysUnsealed() throws Exception {
    unseal(active, init.keys().subList(0, 2));
    unseal(standby, init.keys().subList(0, 2));
    active.barrier().put("test/x", bytes("x"));
    // The entry's header says term 7, which no keyring has: reloading finds nothing new.
    FileStorage physical = FileStorage.open(dir.resolve("vault"));
    byte[] entry = physical.get("barrier/test/x").orElseThrow();
    entry[3] = 7;
    physical.put("barrier/test/y", entry);

    assertThatThrownBy(() -> standby.barrier().get("test/y"))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("no barrier key for term 7");
    assertThat(standby.sealStatus().sealed()).isFalse();
  }
}
