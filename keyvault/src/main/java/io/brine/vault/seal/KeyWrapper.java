package io.brine.vault.seal;

import io.brine.crypto.SecretBytes;
import io.brine.vault.VaultException;

/**
 * What a seal does with the vault's root key (and, under auto-unseal, the recovery key): encrypt
 * it for storage and decrypt it at unseal. The Shamir seal does it with the KEK the shares combine
 * to; the PKCS#11 seal does it inside the HSM.
 */
public interface KeyWrapper {
  /** "shamir" or "pkcs11", as OpenBao's seal-config {@code type}. */
  String type();

  WrappedKey wrap(SecretBytes plaintext) throws VaultException;

  /**
   * @throws io.brine.vault.InvalidRequestException when the wrapping key is not the one that
   *     wrapped this value (wrong shares, another vault's shares)
   * @throws VaultException when the key store cannot be reached (HSM down)
   */
  SecretBytes unwrap(WrappedKey wrapped) throws VaultException;
}
