package io.brine.vault;

import io.brine.crypto.SecretBytes;
import java.util.List;

/**
 * One quorum operation in progress (a rotation or a root-token generation): its parameters and the
 * shares collected under its nonce.
 */
final class QuorumState {
  final int newShares;
  final int newThreshold;
  /** The one-time pad of a root-token generation; null for rotations. */
  final String otp;

  final ShareCollector parts = new ShareCollector();

  QuorumState(int newShares, int newThreshold, String otp) {
    this.newShares = newShares;
    this.newThreshold = newThreshold;
    this.otp = otp;
    parts.startIfIdle();
  }

  /**
   * Adds one share given with {@code nonce}; true when the vault's threshold of shares is held. A
   * share that is not one of the vault's is refused before it is counted.
   *
   * @param operation names the operation in the error for a wrong nonce
   */
  boolean add(VaultState state, String key, String nonce, String operation)
      throws VaultException {
    if (!parts.nonce().equals(nonce)) {
      throw new InvalidRequestException("nonce does not match the " + operation + " in progress");
    }
    SecretBytes part = KeyShares.decode(key);
    VaultState.requireOwnShare(state.requireInitialized(), part);
    parts.add(part, ShareCollector.OnDuplicate.REFUSE);
    return parts.progress() >= state.requiredShares();
  }

  /**
   * Combines the shares held and checks them against the vault's current unseal or recovery key.
   * The shares are discarded either way; the operation and its nonce stay, so after a wrong set
   * every holder submits again.
   */
  void verifyQuorum(VaultState state) throws VaultException {
    List<SecretBytes> taken = parts.takeParts();
    try {
      SecretBytes combined = KeyShares.combine(taken);
      try {
        state.checkCurrentQuorum(combined);
      } finally {
        combined.destroy();
      }
    } finally {
      ShareCollector.destroyAll(taken);
    }
  }
}
