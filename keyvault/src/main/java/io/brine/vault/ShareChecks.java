package io.brine.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.mac.HmacSha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * One check value per share operators hold, stored in the core record so that a sealed vault can
 * tell its own shares from anything else on arrival: a stranger's share is refused at once and
 * never enters a quorum (OpenBao takes every share and only finds out at the threshold that the
 * set does not open the vault).
 *
 * <p>A check value is {@code HMAC-SHA256(salt, "brine share check v1" || share)}, where the share is
 * OpenBao's bytes ({@code y || x}, so the x coordinate is inside) and the salt is 32 random bytes
 * drawn for each new set of shares. A share carries 256 random bits, so no key stretching is used:
 * guessing a share against its check value costs 2^256 HMACs, as guessing it against the wrapped
 * root key already did (docs/security.md, "Share check values").
 */
record ShareChecks(
    @JsonProperty("salt") String salt, @JsonProperty("values") List<String> values) {

  static final int SALT_BYTES = 32;
  private static final byte[] LABEL = "brine share check v1".getBytes(StandardCharsets.US_ASCII);

  /** Check values for a new set of shares, under a new random salt. */
  static ShareChecks of(List<byte[]> shares, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    HmacSha256 mac = HmacSha256.create(SecretBytes.copyOf(salt));
    List<String> values = new ArrayList<>(shares.size());
    for (byte[] share : shares) {
      values.add(Base64.getEncoder().encodeToString(value(mac, share)));
    }
    return new ShareChecks(Base64.getEncoder().encodeToString(salt), List.copyOf(values));
  }

  /**
   * Whether {@code share} is one of the shares these values were made for. Every value is compared,
   * each in constant time, so the answer's timing says nothing about which share matched.
   */
  boolean recognizes(SecretBytes share) {
    byte[] raw = share.copyOut(SecretAccess.INSECURE);
    byte[] candidate;
    try {
      candidate = value(HmacSha256.create(SecretBytes.wrap(saltBytes())), raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
    boolean found = false;
    for (String v : values) {
      found |= MessageDigest.isEqual(candidate, Base64.getDecoder().decode(v));
    }
    return found;
  }

  /** True when the stored form is what {@link #of} writes: a 32-byte salt and 32-byte values. */
  boolean wellFormed(int shares) {
    try {
      if (salt == null || values == null || values.size() != shares || saltBytes().length != SALT_BYTES) {
        return false;
      }
      for (String v : values) {
        if (v == null || Base64.getDecoder().decode(v).length != HmacSha256.TAG_SIZE_IN_BYTES) {
          return false;
        }
      }
      return true;
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  private byte[] saltBytes() {
    return Base64.getDecoder().decode(salt);
  }

  private static byte[] value(HmacSha256 mac, byte[] share) {
    byte[] input = new byte[LABEL.length + share.length];
    try {
      System.arraycopy(LABEL, 0, input, 0, LABEL.length);
      System.arraycopy(share, 0, input, LABEL.length, share.length);
      return mac.compute(input);
    } finally {
      Arrays.fill(input, (byte) 0);
    }
  }
}
