package io.brine.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.storage.FileStorage;
import io.brine.vault.storage.WriteStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the vault does when its files go missing or the disk refuses a write. */
class VaultCoreStorageFaultTest {
  @TempDir Path dir;

  @Test
  void deletedCoreRecord_refusesToInitializeOverTheData() throws Exception {
    try (VaultCore vault = VaultCore.builder(FileStorage.open(dir)).build()) {
      InitResult r = vault.initialize(new InitRequest(1, 1, 0, 0));
      vault.submitUnsealKey(r.keys().get(0), false);
      vault.barrier().put("master/rsa-private-key", new byte[] {1});
    }
    Files.delete(dir.resolve("core/vault"));

    try (VaultCore vault = VaultCore.builder(FileStorage.open(dir)).build()) {
      assertThat(vault.isInitialized()).isFalse();
      assertThatThrownBy(() -> vault.initialize(new InitRequest(1, 1, 0, 0)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("core record (core/vault) is missing: restore it from a backup");
    }
  }

  @Test
  void deletedBarrierEntry_readsAsAbsent_notAsAnError() throws Exception {
    try (VaultCore vault = VaultCore.builder(FileStorage.open(dir)).build()) {
      InitResult r = vault.initialize(new InitRequest(1, 1, 0, 0));
      vault.submitUnsealKey(r.keys().get(0), false);
      vault.barrier().put("a", new byte[] {1});
      Files.delete(dir.resolve("barrier/a"));
      assertThat(vault.barrier().get("a")).isEmpty();
    }
  }

  @Test
  void diskFullDuringRekey_keepsTheOldKeys_inMemoryAndOnDisk() throws Exception {
    AtomicBoolean diskFull = new AtomicBoolean();
    FileStorage storage =
        FileStorage.open(
            dir,
            (step, path) -> {
              if (diskFull.get() && step == WriteStep.FSYNC_TEMP) {
                throw new IOException("No space left on device");
              }
            });
    InitResult r;
    try (VaultCore vault = VaultCore.builder(storage).build()) {
      r = vault.initialize(new InitRequest(3, 2, 0, 0));
      vault.submitUnsealKey(r.keys().get(0), false);
      vault.submitUnsealKey(r.keys().get(1), false);
      vault.barrier().put("data", new byte[] {5});
      String t = r.rootToken();
      String nonce = vault.startRotation(t, RotationKind.ROOT, 3, 2).nonce();
      vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(0), nonce);

      diskFull.set(true);
      assertThatThrownBy(() -> vault.submitRotationKey(t, RotationKind.ROOT, r.keys().get(1), nonce))
          .isInstanceOf(VaultException.class)
          .hasMessageContaining("storage write failed")
          .hasMessageContaining("No space left on device");
      assertThatThrownBy(() -> vault.rotateRootKey(t)).hasMessageContaining("storage write failed");
      assertThatThrownBy(() -> vault.rotateKeyring(t)).hasMessageContaining("storage write failed");
      diskFull.set(false);

      assertThat(vault.barrier().get("data")).get().isEqualTo(new byte[] {5});
      assertThat(vault.keyringStatus(t).term()).isEqualTo(1);
      vault.rotateRootKey(t); // the in-memory keys are still the stored ones
    }
    try (VaultCore vault = VaultCore.builder(FileStorage.open(dir)).build()) {
      vault.submitUnsealKey(r.keys().get(2), false);
      vault.submitUnsealKey(r.keys().get(1), false);
      assertThat(vault.barrier().get("data")).get().isEqualTo(new byte[] {5});
    }
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")))
          .as("no half-written temp file left")
          .isEmpty();
    }
  }
}
