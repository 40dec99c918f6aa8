package io.brine.crypto.aead;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import java.security.SecureRandom;
import javax.crypto.SecretKey;
import javax.security.auth.Destroyable;

/**
 * An AES-256 key for GCM. It hands the JDK a {@link SecretKey} view whose {@code getEncoded}
 * returns a fresh copy each time, so the provider never holds the only reference to the bytes, and
 * {@link #destroy()} wipes the one array this object owns.
 *
 * <p>It has no nonce state of its own: a key becomes usable only through {@link RandomNonceAesGcm}
 * or {@link SequencedAesGcm}, each of which owns the nonces it draws.
 */
public final class AesGcmKey implements Destroyable {
  public static final int KEY_SIZE_IN_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretBytes bytes;
  private final SecretKey jceView = new JceView();

  private AesGcmKey(SecretBytes bytes) {
    this.bytes = bytes;
  }

  /** A fresh random key from the system CSPRNG. */
  public static AesGcmKey generate() {
    return generate(RANDOM);
  }

  /** A fresh random key from {@code random} (tests pass a seeded source to replay a run). */
  public static AesGcmKey generate(SecureRandom random) {
    return new AesGcmKey(SecretBytes.random(KEY_SIZE_IN_BYTES, random));
  }

  /** Uses {@code bytes} as the key; the holder passes to this key and is wiped with it. */
  public static AesGcmKey fromSecret(SecretBytes bytes) {
    if (bytes.length() != KEY_SIZE_IN_BYTES) {
      throw new IllegalArgumentException(
          "an AES-256 key is " + KEY_SIZE_IN_BYTES + " bytes, not " + bytes.length());
    }
    return new AesGcmKey(bytes);
  }

  /** The key material, for wrapping it to a peer (RSA-OAEP) or sealing it in the vault. */
  public SecretBytes secret() {
    return bytes;
  }

  SecretKey jceKey() {
    if (bytes.isDestroyed()) {
      throw new IllegalStateException("AES key has been destroyed");
    }
    return jceView;
  }

  @Override
  public void destroy() {
    bytes.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return bytes.isDestroyed();
  }

  @Override
  public String toString() {
    return "AesGcmKey[256 bits" + (isDestroyed() ? ", destroyed" : "") + "]";
  }

  /** What the JCE sees. Equality is identity: two views are never interchangeable keys. */
  private final class JceView implements SecretKey {
    private static final long serialVersionUID = 1L;

    @Override
    public String getAlgorithm() {
      return "AES";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      return bytes.copyOut(SecretAccess.INSECURE);
    }

    @Override
    public void destroy() {
      AesGcmKey.this.destroy();
    }

    @Override
    public boolean isDestroyed() {
      return AesGcmKey.this.isDestroyed();
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public String toString() {
      return AesGcmKey.this.toString();
    }
  }
}
