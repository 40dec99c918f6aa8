package io.brine.crypto;

/**
 * Arithmetic in GF(2^8) with the AES reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B), the
 * field OpenBao's Shamir sharing uses.
 *
 * <p>Every operation runs in the same number of steps whatever its operands: no table is indexed by
 * a value and no branch depends on one, so share bytes do not leak through cache or branch timing.
 * Addition and subtraction are both XOR.
 */
final class Gf256 {
  private Gf256() {}

  /** The product a·b. Shift-and-add over the eight bits of b, reducing with masks, not branches. */
  static int mul(int a, int b) {
    int r = 0;
    for (int i = 7; i >= 0; i--) {
      int bBit = (b >>> i) & 1;
      int carry = (r >>> 7) & 1;
      r = ((r << 1) & 0xFF) ^ (-carry & 0x1B) ^ (-bBit & a);
    }
    return r & 0xFF;
  }

  /**
   * The inverse a^-1 = a^254 (the multiplicative group has order 255). The exponent is public, so
   * square-and-multiply over its bits leaks nothing about a. Returns 0 for 0.
   */
  static int inverse(int a) {
    int result = 1;
    for (int bit = 7; bit >= 0; bit--) {
      result = mul(result, result);
      if (((254 >>> bit) & 1) == 1) {
        result = mul(result, a);
      }
    }
    return result;
  }

  /** a / b. Callers guarantee b != 0 (distinct share coordinates make every denominator non-zero). */
  static int div(int a, int b) {
    return mul(a, inverse(b));
  }
}
