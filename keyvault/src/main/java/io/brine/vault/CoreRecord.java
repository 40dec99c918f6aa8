package io.brine.vault;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.brine.vault.seal.WrappedKey;
import java.util.Base64;

/**
 * Everything the vault needs to unseal, in one document stored in the clear at {@link #PATH}: the
 * seal and recovery configurations, the root key wrapped by the seal, the recovery key wrapped by
 * the HSM, the keyring encrypted by the root key, and the check values of the shares operators hold
 * ({@link ShareChecks}; absent in records written before they existed).
 *
 * <p>OpenBao keeps these in four storage entries and writes them one after another, so a crash
 * during a rotation can leave a stored root key that no longer opens the keyring. brine writes
 * them as one value with one atomic put: after a crash the vault has either the old keys or the
 * new ones, never a mix.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CoreRecord(
    @JsonProperty("format") int format,
    @JsonProperty("seal") SealParameters seal,
    @JsonProperty("recovery") SealParameters recovery,
    @JsonProperty("root_key") Stored rootKey,
    @JsonProperty("recovery_key") Stored recoveryKey,
    @JsonProperty("keyring") String keyring,
    @JsonProperty("share_checks") ShareChecks shareChecks) {

  static final String PATH = "core/vault";
  static final int FORMAT = 1;

  /** A wrapped key as JSON: which key wrapped it, and the base64 ciphertext. */
  record Stored(@JsonProperty("key_id") String keyId, @JsonProperty("ciphertext") String ciphertext) {
    static Stored of(WrappedKey w) {
      return new Stored(w.keyId(), Base64.getEncoder().encodeToString(w.ciphertext()));
    }

    WrappedKey toWrappedKey() {
      return new WrappedKey(keyId, Base64.getDecoder().decode(ciphertext));
    }
  }

  byte[] keyringCiphertext() {
    return Base64.getDecoder().decode(keyring);
  }

  static String encodeKeyring(byte[] ciphertext) {
    return Base64.getEncoder().encodeToString(ciphertext);
  }

  /** New shares come with their check values: the two change together or not at all. */
  CoreRecord withSeal(SealParameters s, ShareChecks checks) {
    return new CoreRecord(format, s, recovery, rootKey, recoveryKey, keyring, checks);
  }

  CoreRecord withRecovery(SealParameters r, Stored key, ShareChecks checks) {
    return new CoreRecord(format, seal, r, rootKey, key, keyring, checks);
  }

  CoreRecord withRootKey(Stored key, String newKeyring) {
    return new CoreRecord(format, seal, recovery, key, recoveryKey, newKeyring, shareChecks);
  }

  CoreRecord withKeyring(String newKeyring) {
    return new CoreRecord(format, seal, recovery, rootKey, recoveryKey, newKeyring, shareChecks);
  }
}
