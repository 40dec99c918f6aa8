package io.brine.crypto;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shamir's secret sharing over GF(2^8), byte-compatible with OpenBao ({@code sdk/helper/shamir}).
 *
 * <p>Each byte of the secret gets its own random polynomial of degree {@code threshold - 1} whose
 * constant term is that byte. A share is the polynomials evaluated at one x coordinate, followed by
 * that coordinate:
 *
 * <pre>
 *   share = y[0] y[1] ... y[L-1] x        (L = secret length, so a share is L + 1 bytes)
 * </pre>
 *
 * Coordinates are distinct, non-zero and random. Shares made here combine in OpenBao and the
 * reverse; the operator-facing encodings (lowercase hex, padded base64) belong to the vault.
 *
 * <p>{@link #combine} cannot know the threshold: with too few shares, or shares from different
 * splits, it returns a wrong value without error, exactly as OpenBao does. Callers detect that one
 * level up, when the combined key fails to open what it protects (an AES-GCM tag).
 */
public final class Shamir {
  /** Bytes a share carries beyond the secret: the trailing x coordinate. */
  public static final int SHARE_OVERHEAD = 1;

  public static final int MAX_PARTS = 255;

  private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();

  private Shamir() {}

  /** Splits {@code secret} into {@code parts} shares, any {@code threshold} of which recover it. */
  public static List<byte[]> split(byte[] secret, int parts, int threshold) {
    return split(secret, parts, threshold, DEFAULT_RANDOM);
  }

  /**
   * As {@link #split(byte[], int, int)}, drawing randomness from {@code random}, which tests replace
   * with a scripted source. Randomness is consumed in this order, so a script can fix every value:
   *
   * <ol>
   *   <li>x coordinates: the list 1..255 is shuffled by Fisher-Yates, for i from 254 down to 1
   *       swapping entry i with entry {@code random.nextInt(i + 1)}; share k takes entry k.
   *   <li>coefficients: for each secret byte in order, {@code random.nextBytes(c)} fills the {@code
   *       threshold - 1} coefficients of x^1, x^2, ... of that byte's polynomial.
   * </ol>
   *
   * @throws IllegalArgumentException if parts is below threshold or above 255, threshold is below
   *     2, or the secret is empty (checked in that order, as OpenBao does)
   */
  public static List<byte[]> split(byte[] secret, int parts, int threshold, SecureRandom random) {
    if (secret == null) {
      throw new IllegalArgumentException("cannot split a missing secret");
    }
    if (parts < threshold) {
      throw new IllegalArgumentException(
          "parts (" + parts + ") cannot be less than threshold (" + threshold + ")");
    }
    if (parts > MAX_PARTS) {
      throw new IllegalArgumentException(
          "parts cannot exceed " + MAX_PARTS + " (got " + parts + ")");
    }
    if (threshold < 2) {
      throw new IllegalArgumentException(
          "threshold must be at least 2 (got "
              + threshold
              + "); a single key needs no splitting");
    }
    if (secret.length == 0) {
      throw new IllegalArgumentException("cannot split an empty secret");
    }

    int[] xs = shuffledCoordinates(random);
    List<byte[]> shares = new ArrayList<>(parts);
    for (int k = 0; k < parts; k++) {
      byte[] share = new byte[secret.length + SHARE_OVERHEAD];
      share[secret.length] = (byte) xs[k];
      shares.add(share);
    }

    byte[] coefficients = new byte[threshold - 1];
    try {
      for (int idx = 0; idx < secret.length; idx++) {
        random.nextBytes(coefficients);
        int intercept = secret[idx] & 0xFF;
        for (int k = 0; k < parts; k++) {
          shares.get(k)[idx] = (byte) evaluate(intercept, coefficients, xs[k]);
        }
      }
    } finally {
      Arrays.fill(coefficients, (byte) 0);
    }
    return shares;
  }

  /**
   * Recovers the secret from two or more shares of one split, in any order, by Lagrange
   * interpolation at x = 0 over all shares given.
   *
   * <p>Stricter than OpenBao in one respect: a share whose x coordinate is 0 is refused. No split
   * produces one, and interpolating with it would return that share's own bytes.
   *
   * @throws IllegalArgumentException for fewer than two shares, a share shorter than two bytes,
   *     shares of different lengths, two shares with the same x coordinate, or an x of 0
   */
  public static byte[] combine(List<byte[]> shares) {
    if (shares == null || shares.size() < 2) {
      throw new IllegalArgumentException(
          "at least two shares are needed to reconstruct the secret (got "
              + (shares == null ? 0 : shares.size())
              + ")");
    }
    int shareLength = lengthOf(shares.get(0));
    if (shareLength < 2) {
      throw new IllegalArgumentException(
          "shares must be at least two bytes long: one secret byte and the x coordinate");
    }
    for (byte[] share : shares) {
      if (lengthOf(share) != shareLength) {
        throw new IllegalArgumentException("all shares must be the same length");
      }
    }

    int n = shares.size();
    int[] xs = new int[n];
    boolean[] seen = new boolean[256];
    for (int i = 0; i < n; i++) {
      int x = shares.get(i)[shareLength - 1] & 0xFF;
      if (x == 0) {
        throw new IllegalArgumentException("share has x coordinate 0, which no split produces");
      }
      if (seen[x]) {
        throw new IllegalArgumentException("duplicate share: two shares have the same x coordinate");
      }
      seen[x] = true;
      xs[i] = x;
    }

    // The Lagrange basis at 0 depends only on the public coordinates, so it is computed once.
    int[] basis = new int[n];
    for (int i = 0; i < n; i++) {
      int b = 1;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          b = Gf256.mul(b, Gf256.div(xs[j], xs[i] ^ xs[j]));
        }
      }
      basis[i] = b;
    }

    byte[] secret = new byte[shareLength - 1];
    for (int idx = 0; idx < secret.length; idx++) {
      int value = 0;
      for (int i = 0; i < n; i++) {
        value ^= Gf256.mul(shares.get(i)[idx] & 0xFF, basis[i]);
      }
      secret[idx] = (byte) value;
    }
    return secret;
  }

  private static int lengthOf(byte[] share) {
    if (share == null) {
      throw new IllegalArgumentException("a share is missing (null)");
    }
    return share.length;
  }

  private static int[] shuffledCoordinates(SecureRandom random) {
    int[] xs = new int[MAX_PARTS];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i + 1;
    }
    for (int i = xs.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
    return xs;
  }

  /** Horner's rule: intercept + c1·x + c2·x^2 + ... evaluated at x != 0. */
  private static int evaluate(int intercept, byte[] coefficients, int x) {
    int out = 0;
    for (int i = coefficients.length - 1; i >= 0; i--) {
      out = Gf256.mul(out ^ (coefficients[i] & 0xFF), x);
    }
    return out ^ intercept;
  }
}
