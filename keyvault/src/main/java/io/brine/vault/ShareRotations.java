package io.brine.vault;

import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.vault.seal.ShamirKek;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rekey and recovery-share rotation ({@code sys/rotate/root/*}, {@code sys/rotate/recovery/*}):
 * collect a quorum of the current shares under a nonce, check them, then commit the new keys in
 * one atomic write of the core record. Called under the vault's lock.
 */
final class ShareRotations {
  private static final Logger log = LoggerFactory.getLogger(ShareRotations.class);

  private final VaultState state;
  private final Map<RotationKind, QuorumState> running = new EnumMap<>(RotationKind.class);

  ShareRotations(VaultState state) {
    this.state = state;
  }

  RotationStatus status(RotationKind kind) throws VaultException {
    QuorumState q = running.get(kind);
    int required = state.requiredShares();
    if (q == null) {
      return new RotationStatus(false, "", 0, 0, 0, required);
    }
    return new RotationStatus(
        true, q.parts.nonce(), q.newThreshold, q.newShares, q.parts.progress(), required);
  }

  RotationStatus start(RotationKind kind, int shares, int threshold) throws VaultException {
    if (running.containsKey(kind)) {
      throw new InvalidRequestException("rotation already in progress");
    }
    CoreRecord r = state.requireInitialized();
    if (state.migrationPending(r)) {
      throw new InvalidRequestException("cannot rotate keys while a seal migration is pending");
    }
    boolean hsmSealed = VaultState.isHsmSealed(r);
    if (kind == RotationKind.RECOVERY) {
      if (!hsmSealed) {
        throw new InvalidRequestException(
            "recovery keys exist only under auto-unseal (pkcs11); this vault uses shamir");
      }
      SealParameters.validate("recovery", shares, threshold);
    } else if (hsmSealed) {
      // Under auto-unseal a root rotation changes the root key only; no shares are made.
      shares = 0;
      threshold = 0;
    } else {
      SealParameters.validate("secret", shares, threshold);
    }
    running.put(kind, new QuorumState(shares, threshold, null));
    return status(kind);
  }

  void cancel(RotationKind kind) {
    QuorumState q = running.remove(kind);
    if (q != null) {
      q.parts.reset();
    }
  }

  /** Forgets every rotation in progress (at seal). */
  void cancelAll() {
    running.values().forEach(q -> q.parts.reset());
    running.clear();
  }

  RotationUpdate submit(RotationKind kind, String key, String nonce) throws VaultException {
    QuorumState q = running.get(kind);
    if (q == null) {
      throw new InvalidRequestException("no rotation in progress");
    }
    if (!q.add(state, key, nonce, "rotation")) {
      return new RotationUpdate(false, nonce, List.of(), List.of(), status(kind));
    }
    q.verifyQuorum(state);
    List<byte[]> newShares = commit(kind, q);
    running.remove(kind);
    try {
      return new RotationUpdate(
          true,
          nonce,
          KeyShares.hex(newShares),
          KeyShares.base64(newShares),
          new RotationStatus(false, "", q.newThreshold, q.newShares, 0, state.requiredShares()));
    } finally {
      KeyShares.wipe(newShares);
    }
  }

  /** Commits a finished rotation with one atomic write and returns the new shares (maybe none). */
  private List<byte[]> commit(RotationKind kind, QuorumState q) throws VaultException {
    if (kind == RotationKind.RECOVERY) {
      return newRecoveryShares(q);
    }
    if (VaultState.isHsmSealed(state.requireInitialized())) {
      state.replaceRootKey(state.hsm());
      log.info("root key rotated (auto-unseal: recovery shares unchanged)");
      return List.of();
    }
    return newUnsealShares(q);
  }

  private List<byte[]> newRecoveryShares(QuorumState q) throws VaultException {
    SecretBytes newRecovery = SecretBytes.random(AesGcmKey.KEY_SIZE_IN_BYTES, state.random);
    try {
      List<byte[]> shares = KeyShares.split(newRecovery, q.newShares, q.newThreshold, state.random);
      try {
        CoreRecord r = state.requireInitialized();
        state.commit(
            r.withRecovery(
                new SealParameters("shamir", q.newShares, q.newThreshold),
                CoreRecord.Stored.of(state.hsm().wrap(newRecovery)),
                ShareChecks.of(shares, state.random)));
      } catch (VaultException | RuntimeException e) {
        KeyShares.wipe(shares);
        throw e;
      }
      log.info("recovery shares rotated to {} of {}", q.newThreshold, q.newShares);
      return shares;
    } finally {
      newRecovery.destroy();
    }
  }

  /** Shamir rekey: a new KEK for new shares, and a new root key, in one write. */
  private List<byte[]> newUnsealShares(QuorumState q) throws VaultException {
    SecretBytes newKek = SecretBytes.random(AesGcmKey.KEY_SIZE_IN_BYTES, state.random);
    List<byte[]> shares = KeyShares.split(newKek, q.newShares, q.newThreshold, state.random);
    ShamirKek wrapper = ShamirKek.of(newKek);
    AesGcmKey newRoot = AesGcmKey.generate(state.random);
    try {
      CoreRecord r = state.requireInitialized();
      state.shareKek(newKek);
      state.commit(
          r.withSeal(
                  new SealParameters("shamir", q.newShares, q.newThreshold),
                  ShareChecks.of(shares, state.random))
              .withRootKey(
                  CoreRecord.Stored.of(wrapper.wrap(newRoot.secret())),
                  CoreRecord.encodeKeyring(state.keyring.encrypt(newRoot))));
    } catch (VaultException | RuntimeException e) {
      newKek.destroy();
      newRoot.destroy();
      KeyShares.wipe(shares);
      throw e;
    } finally {
      wrapper.destroy();
    }
    state.rootKey.destroy();
    state.rootKey = newRoot;
    if (state.kek != null) {
      state.kek.destroy();
    }
    state.kek = newKek;
    log.info("unseal shares rotated to {} of {}, with a new root key", q.newThreshold, q.newShares);
    return shares;
  }
}
