package io.brine.crypto.aead;

import java.security.GeneralSecurityException;

/**
 * Authenticated encryption with associated data.
 *
 * <h2>Security guarantees</h2>
 *
 * Ciphertexts are confidential and authentic: any change to a ciphertext or to the associated data
 * makes {@link #decrypt} throw {@link io.brine.crypto.DecryptionFailedException}. Associated data
 * is authenticated but not encrypted; it binds a ciphertext to its context (a storage path, a
 * message type and epoch). {@code null} associated data means empty. Implementations choose the
 * nonce themselves; a caller can never supply one, so a caller can never reuse one.
 */
public interface Aead {
  byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException;

  byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException;
}
