package io.brine.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * Secret key material that stays inside its holder.
 *
 * <p>The only way to read the bytes is {@link #copyOut(SecretAccess)}, whose argument exists so that
 * every export can be found with a grep for {@code SecretAccess.INSECURE}. There is no {@code
 * toString} that shows the bytes, equality runs in constant time, and {@link #destroy()} overwrites
 * the array with zeros. Holders of keys ({@code AesGcmKey}, the vault's root key) keep a {@code
 * SecretBytes} and wipe it when they are destroyed. What the JVM can and cannot promise about wiping
 * is in docs/security.md.
 */
public final class SecretBytes implements Destroyable {
  private final byte[] bytes;
  private volatile boolean destroyed;

  private SecretBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Takes a copy of {@code bytes}; the caller stays responsible for wiping its own array. */
  public static SecretBytes copyOf(byte[] bytes) {
    if (bytes == null) {
      throw new NullPointerException("secret bytes must not be null");
    }
    return new SecretBytes(bytes.clone());
  }

  /**
   * Takes ownership of {@code bytes} without copying: the array becomes this holder's and is wiped
   * when it is destroyed. Use this for arrays that nobody else refers to, such as a fresh decryption
   * result.
   */
  public static SecretBytes wrap(byte[] bytes) {
    if (bytes == null) {
      throw new NullPointerException("secret bytes must not be null");
    }
    return new SecretBytes(bytes);
  }

  /** {@code length} bytes from {@code random}. */
  public static SecretBytes random(int length, SecureRandom random) {
    if (length <= 0) {
      throw new IllegalArgumentException("secret length must be positive, was " + length);
    }
    byte[] b = new byte[length];
    random.nextBytes(b);
    return new SecretBytes(b);
  }

  public int length() {
    return bytes.length;
  }

  /** A copy of the bytes. The caller owns the copy and should wipe it after use. */
  public byte[] copyOut(SecretAccess access) {
    if (access == null) {
      throw new NullPointerException("access token is required to read secret bytes");
    }
    checkNotDestroyed();
    return bytes.clone();
  }

  /** Constant-time equality of the bytes (lengths are not secret). */
  public boolean equalsInConstantTime(SecretBytes other) {
    checkNotDestroyed();
    other.checkNotDestroyed();
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  private void checkNotDestroyed() {
    if (destroyed) {
      throw new IllegalStateException("secret has been destroyed");
    }
  }

  @Override
  public String toString() {
    return "SecretBytes[" + bytes.length + " bytes" + (destroyed ? ", destroyed" : "") + "]";
  }
}
