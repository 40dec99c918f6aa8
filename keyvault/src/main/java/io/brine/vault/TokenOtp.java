package io.brine.vault;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a root token made by generate-root travels: XORed with a one-time pad that only the operator
 * who started the attempt saw, then base64, as OpenBao encodes it. The CLI decodes it locally.
 */
public final class TokenOtp {
  private TokenOtp() {}

  /** base64(token XOR otp); both are ASCII of the same length. */
  public static String encode(String token, String otp) {
    byte[] t = token.getBytes(StandardCharsets.US_ASCII);
    byte[] o = otp.getBytes(StandardCharsets.US_ASCII);
    if (t.length != o.length) {
      throw new IllegalArgumentException("the one-time pad must be as long as the token");
    }
    for (int i = 0; i < t.length; i++) {
      t[i] ^= o[i];
    }
    return Base64.getEncoder().encodeToString(t);
  }

  /** The token back from {@link #encode}'s output and the pad. */
  public static String decode(String encoded, String otp) {
    byte[] x;
    try {
      x = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the encoded token is not base64");
    }
    byte[] o = otp.getBytes(StandardCharsets.US_ASCII);
    if (x.length != o.length) {
      throw new IllegalArgumentException("the one-time pad does not match the encoded token");
    }
    for (int i = 0; i < x.length; i++) {
      x[i] ^= o[i];
    }
    return new String(x, StandardCharsets.US_ASCII);
  }
}
