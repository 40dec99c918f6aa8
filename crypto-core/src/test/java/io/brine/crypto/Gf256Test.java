package io.brine.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Gf256Test {

  /** FIPS-197, section 4.2: {57}·{83} = {c1}. */
  @Test
  void mul_fips197Section42Example_givesC1() {
    assertThat(Gf256.mul(0x57, 0x83)).isEqualTo(0xc1);
    assertThat(Gf256.mul(0x83, 0x57)).isEqualTo(0xc1);
  }

  /** FIPS-197, section 4.2.1: {57}·{13} = {fe}. */
  @Test
  void mul_fips197Section421Example_givesFe() {
    assertThat(Gf256.mul(0x57, 0x13)).isEqualTo(0xfe);
  }

  /** Every product against a textbook, branching xtime reference, so no pair is left unchecked. */
  @Test
  void mul_allPairs_matchReference() {
    List<String> errors = new ArrayList<>();
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        int want = referenceMul(a, b);
        int got = Gf256.mul(a, b);
        if (got != want) {
          errors.add(String.format("%02x*%02x = %02x, want %02x", a, b, got, want));
        }
      }
    }
    assertThat(errors).isEmpty();
  }

  @Test
  void inverse_everyNonZeroElement_multipliesToOne() {
    List<String> errors = new ArrayList<>();
    for (int a = 1; a < 256; a++) {
      int inv = Gf256.inverse(a);
      if (Gf256.mul(a, inv) != 1) {
        errors.add(String.format("inverse(%02x) = %02x", a, inv));
      }
    }
    assertThat(errors).isEmpty();
    assertThat(Gf256.inverse(0)).isZero();
  }

  @Test
  void div_examples() {
    assertThat(Gf256.div(0, 7)).isZero();
    assertThat(Gf256.div(3, 3)).isEqualTo(1);
    assertThat(Gf256.div(0xc1, 0x83)).isEqualTo(0x57);
  }

  private static int referenceMul(int a, int b) {
    int p = 0;
    while (b != 0) {
      if ((b & 1) != 0) {
        p ^= a;
      }
      a <<= 1;
      if ((a & 0x100) != 0) {
        a ^= 0x11B;
      }
      b >>= 1;
    }
    return p;
  }
}
