package io.brine.vault;

/**
 * {@code GET sys/rotate/root/init}: {@code t}/{@code n} are the new values, {@code required} the
 * current threshold, {@code progress} the shares collected.
 */
public record RotationStatus(
    boolean started, String nonce, int t, int n, int progress, int required) {}
