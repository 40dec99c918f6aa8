package io.brine.vault;

/**
 * {@code sys/generate-root-token/attempt}: {@code otp} only in the answer that started the attempt,
 * {@code encodedToken} only in the answer that completed it.
 */
public record GenerateRootStatus(
    boolean started,
    String nonce,
    int progress,
    int required,
    boolean complete,
    String encodedToken,
    String otp,
    int otpLength) {}
