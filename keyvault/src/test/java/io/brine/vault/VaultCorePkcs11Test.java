package io.brine.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.seal.SealConfiguration;
import io.brine.vault.storage.FileStorage;
import io.brine.vault.testing.SoftHsm;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-unseal with a real SoftHSMv2 token: init with recovery shares, unsealing at start, recovery
 * shares after a manual seal, HSM faults, recovery rotation, and seal migration both ways.
 */
class VaultCorePkcs11Test {
  @TempDir Path dir;

  private SoftHsm hsm;
  private Pkcs11Config hsmKey;
  private VaultCore vault;

  @BeforeEach
  void token() throws Exception {
    hsm = SoftHsm.get();
    hsmKey = hsm.createKey(SoftHsm.TOKEN_1, hsm.newKeyLabel("vault"));
  }

  @AfterEach
  void close() {
    if (vault != null) {
      vault.close();
    }
  }

  private VaultCore open(SealConfiguration seal) throws Exception {
    if (vault != null) {
      vault.close();
    }
    vault = VaultCore.builder(FileStorage.open(dir.resolve("vault"))).seal(seal).build();
    return vault;
  }

  @Test
  void init_givesRecoveryShares_andComesBackUnsealed() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));

    InitResult r = vault.initialize(new InitRequest(0, 0, 5, 3));

    assertThat(r.keys()).isEmpty();
    assertThat(r.recoveryKeys()).hasSize(5);
    SealStatus s = vault.sealStatus();
    assertThat(s.sealed()).isFalse();
    assertThat(s.type()).isEqualTo("pkcs11");
    assertThat(s.recoverySeal()).isTrue();
    assertThat(s.recoverySealType()).isEqualTo("shamir");
    assertThat(s.t()).isEqualTo(3);
    assertThat(s.n()).isEqualTo(5);
    vault.checkToken(r.rootToken());
  }

  @Test
  void init_withUnsealShareParameters_isRefused() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    assertThatThrownBy(() -> vault.initialize(new InitRequest(5, 3, 5, 3)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("not applicable to seal type pkcs11");
    assertThatThrownBy(() -> vault.initialize(new InitRequest(0, 0, 0, 0)))
        .hasMessageContaining("recovery_shares must be between 1 and 255");
  }

  @Test
  void restart_autoUnsealsWithTheHsm() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    InitResult r = vault.initialize(new InitRequest(0, 0, 3, 2));
    vault.barrier().put("master/key", new byte[] {4, 2});

    open(SealConfiguration.pkcs11(hsmKey));
    assertThat(vault.sealStatus().sealed()).isTrue();
    assertThat(vault.autoUnseal()).isTrue();

    assertThat(vault.barrier().get("master/key")).get().isEqualTo(new byte[] {4, 2});
    vault.checkToken(r.rootToken());
  }

  @Test
  void afterManualSeal_recoverySharesAuthorizeTheHsmUnseal() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    InitResult r = vault.initialize(new InitRequest(0, 0, 3, 2));
    vault.seal(r.rootToken());

    vault.submitUnsealKey(r.recoveryKeys().get(2), false);
    SealStatus s = vault.submitUnsealKey(r.recoveryKeys().get(0), false);

    assertThat(s.sealed()).isFalse();
  }

  @Test
  void wrongRecoveryShares_areRefused() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    InitResult r = vault.initialize(new InitRequest(0, 0, 3, 2));
    vault.seal(r.rootToken());
    vault.submitUnsealKey(r.recoveryKeys().get(0), false);
    // One hex digit changed, always to another value (writing "00" there was no change 1 time in 256).
    String share = r.recoveryKeys().get(1);
    char digit = share.charAt(10);
    String forged = share.substring(0, 10) + (digit == '0' ? '1' : '0') + share.substring(11);
    assertThatThrownBy(() -> vault.submitUnsealKey(forged, false))
        .as("a forged recovery share is refused on arrival")
        .isInstanceOf(ForeignShareException.class);
    assertThat(vault.sealStatus().sealed()).isTrue();
    assertThat(vault.sealStatus().progress()).as("the real share is still held").isEqualTo(1);
    assertThat(vault.submitUnsealKey(r.recoveryKeys().get(2), false).sealed()).isFalse();
  }

  @Test
  void foreignShares_inRecoveryQuorums_areRefusedAndNotCounted() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    InitResult r = vault.initialize(new InitRequest(0, 0, 3, 2));
    String t = r.rootToken();
    String foreign = "ab".repeat(33);

    String nonce = vault.startRotation(t, RotationKind.ROOT, 0, 0).nonce();
    vault.submitRotationKey(t, RotationKind.ROOT, r.recoveryKeys().get(0), nonce);
    assertThatThrownBy(() -> vault.submitRotationKey(t, RotationKind.ROOT, foreign, nonce))
        .isInstanceOf(ForeignShareException.class);
    assertThat(vault.rotationStatus(t, RotationKind.ROOT).progress()).isEqualTo(1);
    vault.cancelRotation(t, RotationKind.ROOT);

    String attempt = vault.startGenerateRoot(t).nonce();
    assertThatThrownBy(() -> vault.submitGenerateRootKey(t, foreign, attempt))
        .isInstanceOf(ForeignShareException.class);
    assertThat(vault.generateRootStatus(t).progress()).isZero();
  }

  @Test
  void hsmLibraryMissing_staysSealed_withAClearReason() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    vault.initialize(new InitRequest(0, 0, 3, 2));
    Pkcs11Config broken =
        new Pkcs11Config(
            "/nonexistent/libsofthsm2.so",
            null,
            hsmKey.tokenLabel(),
            hsmKey.pinEnv(),
            hsmKey.pinFile(),
            hsmKey.keyLabel());

    open(SealConfiguration.pkcs11(broken));

    assertThatThrownBy(() -> vault.autoUnseal())
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("/nonexistent/libsofthsm2.so")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(vault.sealStatus().sealed()).isTrue();
    assertThat(vault.sealStatus().initialized()).isTrue();
  }

  /** A hung HSM holds the vault's lock in autoUnseal; status must still answer (health checks). */
  @Test
  void hsmThatHangs_doesNotBlockSealStatus() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    vault.initialize(new InitRequest(0, 0, 3, 2));
    vault.close();
    CountDownLatch inHsm = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    vault =
        VaultCore.builder(FileStorage.open(dir.resolve("vault")))
            .seal(SealConfiguration.pkcs11(hsmKey))
            .hsmConnector(
                config -> {
                  inHsm.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  throw new VaultException("HSM not answering");
                })
            .build();
    vault.isInitialized(); // loads the record, as the master's start does
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> hung = pool.submit(() -> vault.autoUnseal());
      inHsm.await();

      SealStatus s = pool.submit(() -> vault.sealStatus()).get(60, TimeUnit.SECONDS);

      assertThat(s.initialized()).isTrue();
      assertThat(s.sealed()).isTrue();
      assertThat(s.type()).isEqualTo("pkcs11");
      release.countDown();
      assertThatThrownBy(() -> hung.get(60, TimeUnit.SECONDS)).hasMessageContaining("HSM not answering");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void hsmKeyMissing_staysSealed_withAClearReason() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    vault.initialize(new InitRequest(0, 0, 3, 2));
    Pkcs11Config otherLabel =
        new Pkcs11Config(
            hsmKey.library(), null, hsmKey.tokenLabel(), hsmKey.pinEnv(), hsmKey.pinFile(),
            "no-such-key");

    open(SealConfiguration.pkcs11(otherLabel));

    assertThatThrownBy(() -> vault.autoUnseal())
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("no-such-key");
    assertThat(vault.sealStatus().sealed()).isTrue();
  }

  @Test
  void rootRotation_underAutoUnseal_takesRecoveryShares_andKeepsThem() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    InitResult r = vault.initialize(new InitRequest(0, 0, 3, 2));
    vault.barrier().put("x", new byte[] {9});
    String t = r.rootToken();

    String nonce = vault.startRotation(t, RotationKind.ROOT, 0, 0).nonce();
    vault.submitRotationKey(t, RotationKind.ROOT, r.recoveryKeys().get(0), nonce);
    RotationUpdate done = vault.submitRotationKey(t, RotationKind.ROOT, r.recoveryKeys().get(1), nonce);

    assertThat(done.complete()).isTrue();
    assertThat(done.keys()).as("no shares under auto-unseal").isEmpty();
    open(SealConfiguration.pkcs11(hsmKey));
    assertThat(vault.autoUnseal()).isTrue();
    assertThat(vault.barrier().get("x")).get().isEqualTo(new byte[] {9});
  }

  @Test
  void recoveryRotation_replacesRecoveryShares() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    InitResult r = vault.initialize(new InitRequest(0, 0, 3, 2));
    String t = r.rootToken();

    String nonce = vault.startRotation(t, RotationKind.RECOVERY, 5, 3).nonce();
    vault.submitRotationKey(t, RotationKind.RECOVERY, r.recoveryKeys().get(0), nonce);
    RotationUpdate done =
        vault.submitRotationKey(t, RotationKind.RECOVERY, r.recoveryKeys().get(2), nonce);

    assertThat(done.keys()).hasSize(5);
    assertThat(vault.sealStatus().n()).isEqualTo(5);
    vault.seal(t);
    assertThatThrownBy(() -> vault.submitUnsealKey(r.recoveryKeys().get(1), false))
        .as("the rotation wrote the new shares' check values: an old share is refused")
        .isInstanceOf(ForeignShareException.class);
    unseal(done.keys().subList(0, 3), false);
    assertThat(vault.sealStatus().sealed()).isFalse();
  }

  @Test
  void migration_shamirToPkcs11_oldUnsealSharesBecomeRecoveryShares() throws Exception {
    open(SealConfiguration.shamir());
    InitResult r = vault.initialize(new InitRequest(3, 2, 0, 0));
    unseal(r.keys().subList(0, 2), false);
    vault.barrier().put("master/key", new byte[] {1});

    open(SealConfiguration.pkcs11(hsmKey));
    SealStatus pending = vault.sealStatus();
    assertThat(pending.migration()).isTrue();
    assertThat(pending.type()).isEqualTo("shamir");
    assertThat(vault.autoUnseal()).as("no auto-unseal while migrating").isFalse();
    assertThatThrownBy(() -> vault.submitUnsealKey(r.keys().get(0), false))
        .hasMessage("migrate option not provided and seal migration is pending");
    unseal(r.keys().subList(1, 3), true);

    SealStatus migrated = vault.sealStatus();
    assertThat(migrated.sealed()).isFalse();
    assertThat(migrated.type()).isEqualTo("pkcs11");
    assertThat(migrated.migration()).isFalse();
    assertThat(vault.barrier().get("master/key")).get().isEqualTo(new byte[] {1});

    open(SealConfiguration.pkcs11(hsmKey));
    assertThat(vault.autoUnseal()).isTrue();
    vault.seal(r.rootToken());
    assertThat(vault.checksSharesOnArrival()).as("the check values came along").isTrue();
    assertThatThrownBy(() -> vault.submitUnsealKey("cd".repeat(33), false))
        .isInstanceOf(ForeignShareException.class);
    unseal(r.keys().subList(0, 2), false); // the old unseal shares, now recovery shares
    assertThat(vault.sealStatus().sealed()).isFalse();
  }

  @Test
  void migration_pkcs11ToShamir_recoverySharesBecomeUnsealShares() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    InitResult r = vault.initialize(new InitRequest(0, 0, 3, 2));
    vault.barrier().put("master/key", new byte[] {2});

    open(SealConfiguration.migrateFromPkcs11(hsmKey));
    assertThat(vault.sealStatus().migration()).isTrue();
    assertThatThrownBy(() -> vault.submitUnsealKey("cd".repeat(33), true))
        .isInstanceOf(ForeignShareException.class);
    unseal(r.recoveryKeys().subList(0, 2), true);
    assertThat(vault.sealStatus().type()).isEqualTo("shamir");

    open(SealConfiguration.shamir());
    assertThat(vault.sealStatus().migration()).isFalse();
    assertThat(vault.checksSharesOnArrival()).as("the check values came along").isTrue();
    assertThatThrownBy(() -> vault.submitUnsealKey("cd".repeat(33), false))
        .isInstanceOf(ForeignShareException.class);
    unseal(List.of(r.recoveryKeys().get(2), r.recoveryKeys().get(1)), false);
    assertThat(vault.sealStatus().sealed()).isFalse();
    assertThat(vault.barrier().get("master/key")).get().isEqualTo(new byte[] {2});
  }

  @Test
  void hsmSealedVault_withoutPkcs11Config_saysWhatToConfigure() throws Exception {
    open(SealConfiguration.pkcs11(hsmKey));
    InitResult r = vault.initialize(new InitRequest(0, 0, 3, 2));

    open(SealConfiguration.shamir());

    assertThat(vault.sealStatus().migration()).isTrue();
    vault.submitUnsealKey(r.recoveryKeys().get(0), true);
    assertThatThrownBy(() -> vault.submitUnsealKey(r.recoveryKeys().get(1), true))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("no pkcs11 seal is configured");
  }

  private void unseal(List<String> shares, boolean migrate) throws Exception {
    for (String s : shares) {
      vault.submitUnsealKey(s, migrate);
    }
  }
}
