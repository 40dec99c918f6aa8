package io.brine.vault;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.Shamir;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Shares as operators handle them, OpenBao's way: a key of one share is used as it is (no x
 * byte), more shares come from {@link Shamir}; shares go out as lowercase hex and as padded base64;
 * a share coming in is read as hex first, kept if that gives 16 to 33 bytes, else as base64.
 */
final class KeyShares {
  static final int MIN_KEY_BYTES = 16;
  static final int MAX_KEY_BYTES = 33;

  private KeyShares() {}

  /** Splits {@code key} into {@code shares} (1 share: the key itself). */
  static List<byte[]> split(SecretBytes key, int shares, int threshold, SecureRandom random) {
    byte[] raw = key.copyOut(SecretAccess.INSECURE);
    try {
      if (shares == 1) {
        return List.of(raw.clone());
      }
      return Shamir.split(raw, shares, threshold, random);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Recovers the key from {@code parts} (one part when the threshold is 1).
   *
   * @throws InvalidRequestException for parts that cannot be combined (different lengths, same x)
   */
  static SecretBytes combine(List<SecretBytes> parts) throws InvalidRequestException {
    if (parts.size() == 1) {
      return SecretBytes.copyOf(parts.get(0).copyOut(SecretAccess.INSECURE));
    }
    List<byte[]> raw = new ArrayList<>(parts.size());
    try {
      for (SecretBytes p : parts) {
        raw.add(p.copyOut(SecretAccess.INSECURE));
      }
      return SecretBytes.wrap(Shamir.combine(raw));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("these shares cannot be combined: " + e.getMessage());
    } finally {
      raw.forEach(b -> Arrays.fill(b, (byte) 0));
    }
  }

  static List<String> hex(List<byte[]> shares) {
    List<String> out = new ArrayList<>();
    shares.forEach(s -> out.add(HexFormat.of().formatHex(s)));
    return List.copyOf(out);
  }

  static List<String> base64(List<byte[]> shares) {
    List<String> out = new ArrayList<>();
    shares.forEach(s -> out.add(Base64.getEncoder().encodeToString(s)));
    return List.copyOf(out);
  }

  static void wipe(List<byte[]> shares) {
    shares.forEach(s -> Arrays.fill(s, (byte) 0));
  }

  /** Decodes an operator's share: hex if it decodes to 16..33 bytes, else standard base64. */
  static SecretBytes decode(String key) throws InvalidRequestException {
    if (key == null || key.isBlank()) {
      throw new InvalidRequestException(
          "'key' must be specified in request body as JSON, or 'reset' set to true");
    }
    String k = key.strip();
    byte[] bytes = null;
    try {
      byte[] hex = HexFormat.of().parseHex(k);
      if (hex.length >= MIN_KEY_BYTES && hex.length <= MAX_KEY_BYTES) {
        bytes = hex;
      } else {
        Arrays.fill(hex, (byte) 0);
      }
    } catch (IllegalArgumentException notHex) {
      // fall through to base64
    }
    if (bytes == null) {
      try {
        bytes = Base64.getDecoder().decode(k);
      } catch (IllegalArgumentException notBase64) {
        throw new InvalidRequestException("'key' must be a valid hex or base64 string");
      }
    }
    if (bytes.length < MIN_KEY_BYTES || bytes.length > MAX_KEY_BYTES) {
      int n = bytes.length;
      Arrays.fill(bytes, (byte) 0);
      throw new InvalidRequestException(
          "'key' is " + n + " bytes; a share of this vault is 16 to 33 bytes");
    }
    return SecretBytes.wrap(bytes);
  }
}
