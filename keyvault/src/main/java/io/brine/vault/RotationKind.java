package io.brine.vault;

/** Which shares a rotation replaces. */
public enum RotationKind {
  /** {@code sys/rotate/root/*}: new unseal shares and a new root key (Shamir); root key only (HSM). */
  ROOT,
  /** {@code sys/rotate/recovery/*}: new recovery shares (auto-unseal only). */
  RECOVERY
}
