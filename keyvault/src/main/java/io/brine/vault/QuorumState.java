package io.brine.vault;

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
}
