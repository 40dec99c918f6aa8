package io.brine.vault.seal;

/**
 * A wrapped key as stored: which key wrapped it (the HSM key label, or "shamir-kek") and the
 * ciphertext, laid out as {@code nonce (12) || encrypted key || tag (16)}.
 */
public record WrappedKey(String keyId, byte[] ciphertext) {}
