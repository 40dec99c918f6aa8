package io.brine.vault;

/**
 * {@code PUT /v1/sys/init}. Shamir takes secret shares and threshold; PKCS#11 takes recovery shares
 * and threshold (0 recovery shares: none made). Zero means "not given".
 */
public record InitRequest(
    int secretShares, int secretThreshold, int recoveryShares, int recoveryThreshold) {}
