package io.brine.protocol.handshake;

import io.brine.crypto.InvalidMacException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.kdf.HkdfSha256;
import io.brine.crypto.mac.HmacSha256;
import io.brine.protocol.MinionId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The HKDF-SHA256 derivations of the handshake, with their labels. */
final class Derivation {
  static final byte[] SESSION_INFO = "brine v1 session".getBytes(StandardCharsets.US_ASCII);
  static final byte[] KEYS_INFO = "brine v1 welcome keys".getBytes(StandardCharsets.US_ASCII);
  static final byte[] REPLY_MAC_INFO = "brine v1 reply mac".getBytes(StandardCharsets.US_ASCII);
  static final int KEY_BYTES = 32;

  private Derivation() {}

  /** The two keys one WELCOME establishes. */
  record WelcomeKeys(AesGcmKey session, AesGcmKey keys) {}

  /**
   * From ikm = wrapped random key || X25519 shared secret, salt = minion nonce:
   *
   * <pre>
   *   K_session = HKDF-SHA256(ikm, salt, info = "brine v1 session" || minion id, 32)
   *   K_keys    = HKDF-SHA256(ikm, salt, info = "brine v1 welcome keys" || minion id, 32)
   * </pre>
   *
   * The random key alone would let a later theft of the minion's RSA key open recorded sessions
   * (and the publish key sealed under K_keys); the X25519 secret alone would not be bound to the
   * accepted RSA key. Both inputs are destroyed.
   */
  static WelcomeKeys welcomeKeys(
      SecretBytes wrappedRandom, SecretBytes x25519Shared, byte[] minionNonce, MinionId id) {
    byte[] a = wrappedRandom.copyOut(SecretAccess.INSECURE);
    byte[] b = x25519Shared.copyOut(SecretAccess.INSECURE);
    byte[] ikm = new byte[a.length + b.length];
    System.arraycopy(a, 0, ikm, 0, a.length);
    System.arraycopy(b, 0, ikm, a.length, b.length);
    Arrays.fill(a, (byte) 0);
    Arrays.fill(b, (byte) 0);
    wrappedRandom.destroy();
    x25519Shared.destroy();
    SecretBytes ikmSecret = SecretBytes.wrap(ikm);
    try {
      List<SecretBytes> keys =
          HkdfSha256.deriveEach(
              ikmSecret, minionNonce, KEY_BYTES, info(SESSION_INFO, id), info(KEYS_INFO, id));
      return new WelcomeKeys(
          AesGcmKey.fromSecret(keys.get(0)), AesGcmKey.fromSecret(keys.get(1)));
    } finally {
      ikmSecret.destroy();
    }
  }

  private static byte[] info(byte[] label, MinionId id) {
    byte[] idBytes = id.value().getBytes(StandardCharsets.US_ASCII);
    byte[] info = new byte[label.length + idBytes.length];
    System.arraycopy(label, 0, info, 0, label.length);
    System.arraycopy(idBytes, 0, info, label.length, idBytes.length);
    return info;
  }

  /**
   * HMAC-SHA256 of the transcript under K_mac = HKDF-SHA256(ikm = token, salt = minion nonce,
   * info = "brine v1 reply mac").
   */
  static byte[] replyMac(SecretBytes token, byte[] minionNonce, byte[] transcript) {
    SecretBytes k = HkdfSha256.derive(token, minionNonce, REPLY_MAC_INFO, KEY_BYTES);
    try {
      return HmacSha256.create(k).compute(transcript);
    } finally {
      k.destroy();
    }
  }

  static void verifyReplyMac(SecretBytes token, byte[] minionNonce, byte[] tag, byte[] transcript)
      throws InvalidMacException {
    SecretBytes k = HkdfSha256.derive(token, minionNonce, REPLY_MAC_INFO, KEY_BYTES);
    try {
      HmacSha256.create(k).verify(tag, transcript);
    } finally {
      k.destroy();
    }
  }
}
