package io.brine.vault;

/**
 * What {@code GET /v1/sys/seal-status} reports, OpenBao's fields. Under auto-unseal {@code t} and
 * {@code n} are those of the recovery shares. {@code recoverySealType} is null without recovery.
 */
public record SealStatus(
    String type,
    boolean initialized,
    boolean sealed,
    int t,
    int n,
    int progress,
    String nonce,
    String version,
    boolean migration,
    boolean recoverySeal,
    String recoverySealType,
    String storageType) {}
