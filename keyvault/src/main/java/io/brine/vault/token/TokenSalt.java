package io.brine.vault.token;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.crypto.kdf.HkdfSha256;
import io.brine.crypto.mac.HmacSha256;
import io.brine.vault.IntegrityException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The token store's salt ({@code sys/token/salt}, 32 random bytes made on first use) and what is
 * keyed by it: the storage key of a token or accessor, "h" + hex(HMAC-SHA256(salt, value)), as
 * OpenBao's {@code SaltID} for dotted tokens; and the AES-GCM key (HKDF of the salt) that keeps
 * accessors out of the decrypted entries, so a dump of the barrier's plaintext hands out no handle.
 * Held only while unsealed: {@link #destroy} wipes both keys.
 */
final class TokenSalt {
  static final String PATH = "sys/token/salt";
  private static final int SALT_BYTES = 32;
  private static final byte[] ACCESSOR_KEY_INFO =
      "brine token store: accessor encryption".getBytes(StandardCharsets.US_ASCII);

  private final SecretBytes salt;
  private final HmacSha256 hmac;
  private final AesGcmKey accessorKey;
  private final RandomNonceAesGcm accessorAead;

  private TokenSalt(SecretBytes salt) {
    this.salt = salt;
    this.hmac = HmacSha256.create(salt);
    this.accessorKey =
        AesGcmKey.fromSecret(
            HkdfSha256.derive(salt, new byte[0], ACCESSOR_KEY_INFO, AesGcmKey.KEY_SIZE_IN_BYTES));
    this.accessorAead = RandomNonceAesGcm.create(accessorKey);
  }

  /** Reads the salt, or makes and stores it when there is none yet. */
  static TokenSalt loadOrCreate(Storage barrier, SecureRandom random) throws VaultException {
    byte[] stored = barrier.get(PATH).orElse(null);
    if (stored == null) {
      SecretBytes fresh = SecretBytes.random(SALT_BYTES, random);
      byte[] raw = fresh.copyOut(SecretAccess.INSECURE);
      try {
        barrier.put(PATH, raw);
      } catch (VaultException | RuntimeException e) {
        fresh.destroy();
        throw e;
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
      return new TokenSalt(fresh);
    }
    if (stored.length != SALT_BYTES) {
      Arrays.fill(stored, (byte) 0);
      throw new IntegrityException(
          "the token store's salt (" + PATH + ") is not " + SALT_BYTES + " bytes: the storage is"
              + " corrupt");
    }
    return new TokenSalt(SecretBytes.wrap(stored));
  }

  /** The storage key for {@code value} (a token or an accessor). */
  String saltId(String value) {
    return "h" + HexFormat.of().formatHex(hmac.compute(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** base64 of the accessor encrypted, bound to {@code context} (the entry it belongs in). */
  String sealAccessor(String accessor, String context) throws VaultException {
    try {
      return Base64.getEncoder()
          .encodeToString(
              accessorAead.encrypt(
                  accessor.getBytes(StandardCharsets.US_ASCII), context.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new VaultException("cannot encrypt a token accessor: " + e.getMessage(), e);
    }
  }

  String openAccessor(String sealed, String context) throws VaultException {
    try {
      return new String(
          accessorAead.decrypt(
              Base64.getDecoder().decode(sealed), context.getBytes(StandardCharsets.UTF_8)),
          StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IntegrityException(
          "a token entry's accessor does not decrypt under this store's salt: the storage is"
              + " corrupt");
    }
  }

  void destroy() {
    accessorKey.destroy();
    salt.destroy();
  }
}
