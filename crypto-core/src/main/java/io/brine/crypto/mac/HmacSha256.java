package io.brine.crypto.mac;

import io.brine.crypto.InvalidMacException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 (RFC 2104) with full 32-byte tags, verified in constant time. */
public final class HmacSha256 {
  public static final int TAG_SIZE_IN_BYTES = 32;

  private final SecretBytes key;

  private HmacSha256(SecretBytes key) {
    this.key = key;
  }

  /** The key stays with its holder; this object reads it for each tag. */
  public static HmacSha256 create(SecretBytes key) {
    if (key.length() < 16) {
      throw new IllegalArgumentException("an HMAC-SHA256 key must be at least 16 bytes");
    }
    return new HmacSha256(key);
  }

  public byte[] compute(byte[] data) {
    byte[] k = key.copyOut(SecretAccess.INSECURE);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(k, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no HmacSHA256", e);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  /** Returns normally if {@code tag} is the 32-byte tag of {@code data}. */
  public void verify(byte[] tag, byte[] data) throws InvalidMacException {
    if (tag == null || !MessageDigest.isEqual(compute(data), tag)) {
      throw new InvalidMacException();
    }
  }
}
