package io.brine.vault;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.vault.barrier.Keyring;
import io.brine.vault.seal.KeyWrapper;
import io.brine.vault.seal.ShamirKek;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seal migration as OpenBao does it, so operators keep the same papers: going to an HSM, the old
 * unseal shares become the recovery shares (their KEK becomes the recovery key); coming back, the
 * recovery shares become the unseal shares (the recovery key becomes the KEK). Each direction is
 * one atomic write of the core record, made after the old seal opened the vault. The papers stay
 * the same, so their check values carry over as they are (none for a vault that had none).
 */
final class SealMigration {
  private static final Logger log = LoggerFactory.getLogger(SealMigration.class);

  private SealMigration() {}

  /** Shamir to PKCS#11: a new root key, wrapped by the HSM; the old KEK kept as recovery key. */
  static void toHsm(VaultState state, CoreRecord r, SecretBytes oldKek, AesGcmKey oldRoot, Keyring opened)
      throws VaultException {
    KeyWrapper hsm = state.hsm();
    AesGcmKey newRoot = AesGcmKey.generate(state.random);
    try {
      state.commit(
          new CoreRecord(
              CoreRecord.FORMAT,
              new SealParameters("pkcs11", 1, 1),
              new SealParameters("shamir", r.seal().shares(), r.seal().threshold()),
              CoreRecord.Stored.of(hsm.wrap(newRoot.secret())),
              CoreRecord.Stored.of(hsm.wrap(oldKek)),
              CoreRecord.encodeKeyring(opened.encrypt(newRoot)),
              r.shareChecks()));
    } catch (VaultException | RuntimeException e) {
      newRoot.destroy();
      opened.destroy(); // the vault stays sealed: nothing may keep these keys
      throw e;
    } finally {
      oldRoot.destroy();
    }
    state.becomeUnsealed(newRoot, opened, null);
    log.info("seal migrated from shamir to pkcs11; the old unseal shares are now recovery shares");
  }

  /** PKCS#11 to Shamir: the recovery key becomes the KEK that wraps the same root key. */
  static void toShamir(
      VaultState state, CoreRecord r, SecretBytes recoveryKey, AesGcmKey root, Keyring opened)
      throws VaultException {
    ShamirKek newKek = ShamirKek.of(recoveryKey);
    try {
      state.commit(
          new CoreRecord(
              CoreRecord.FORMAT,
              new SealParameters("shamir", r.recovery().shares(), r.recovery().threshold()),
              null,
              CoreRecord.Stored.of(newKek.wrap(root.secret())),
              null,
              r.keyring(),
              r.shareChecks()));
    } catch (VaultException | RuntimeException e) {
      root.destroy();
      opened.destroy(); // the vault stays sealed: nothing may keep these keys
      throw e;
    } finally {
      newKek.destroy();
    }
    state.becomeUnsealed(root, opened, SecretBytes.wrap(recoveryKey.copyOut(SecretAccess.INSECURE)));
    log.info("seal migrated from pkcs11 to shamir; the recovery shares are now unseal shares");
  }
}
