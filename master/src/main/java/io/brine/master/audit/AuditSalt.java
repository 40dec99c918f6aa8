package io.brine.master.audit;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's own HMAC key, as OpenBao's per-device salt: {@code hmac-sha256:<hex>} of a value lets
 * an operator holding the value find it in the log ({@code sys/audit-hash}) while the log itself
 * does not show it. Kept in the barrier with the device's config; disabling the device drops it, so
 * old hashes can no longer be matched.
 */
final class AuditSalt {
  static final int BYTES = 32;
  static final String PREFIX = "hmac-sha256:";

  private final byte[] key;
  private volatile boolean destroyed;

  AuditSalt(byte[] key) {
    if (key.length != BYTES) {
      throw new IllegalArgumentException("an audit salt has " + BYTES + " bytes");
    }
    this.key = key.clone();
  }

  static AuditSalt random(SecureRandom random) {
    byte[] key = new byte[BYTES];
    random.nextBytes(key);
    try {
      return new AuditSalt(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** A copy, for storing in the barrier; the caller wipes it. */
  byte[] bytes() {
    return key.clone();
  }

  /** A MAC keyed with this salt, for one entry's worth of values (a Mac is not thread-safe). */
  Mac mac() {
    if (destroyed) {
      throw new IllegalStateException("the audit salt was dropped");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static String hash(Mac mac, String value) {
    byte[] out = mac.doFinal(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return PREFIX + HexFormat.of().formatHex(out);
  }

  String hash(String value) {
    return hash(mac(), value);
  }

  void destroy() {
    destroyed = true;
    Arrays.fill(key, (byte) 0);
  }
}
