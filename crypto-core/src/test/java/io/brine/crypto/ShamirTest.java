package io.brine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShamirTest {

  /**
   * A split whose every byte follows from FIPS-197's published products: secret {01}, threshold 2,
   * coefficient {57}, coordinates {83} and {13}. Then y = {01} + {57}·x gives {01}+{c1} = {c0} and
   * {01}+{fe} = {ff}, so the shares in OpenBao's layout (y bytes, then x) are c0 83 and ff 13.
   */
  @Test
  void split_scriptedRandomness_reproducesSharesFromFips197Products() {
    ScriptedRandom random =
        new ScriptedRandom().indices(coordinatesScript(0x83, 0x13)).bytes(0x57);

    List<byte[]> shares = Shamir.split(new byte[] {0x01}, 2, 2, random);

    assertThat(shares).hasSize(2);
    assertThat(shares.get(0)).containsExactly(0xc0, 0x83);
    assertThat(shares.get(1)).containsExactly(0xff, 0x13);
  }

  @Test
  void combine_sharesFromFips197Products_givesSecret() {
    byte[] a = {(byte) 0xc0, (byte) 0x83};
    byte[] b = {(byte) 0xff, 0x13};
    assertThat(Shamir.combine(List.of(a, b))).containsExactly(0x01);
    assertThat(Shamir.combine(List.of(b, a))).containsExactly(0x01);
  }

  @Test
  void split_32ByteKey_givesOpenBaoShareLayout() {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    List<byte[]> shares = Shamir.split(secret, 5, 3);

    Set<Integer> xs = new HashSet<>();
    for (byte[] share : shares) {
      assertThat(share).as("33 bytes: 32 y bytes and one trailing x").hasSize(33);
      int x = share[32] & 0xFF;
      assertThat(x).as("x coordinate").isBetween(1, 255);
      xs.add(x);
    }
    assertThat(xs).as("distinct x coordinates").hasSize(5);
    assertThat(Shamir.combine(shares.subList(1, 4))).isEqualTo(secret);
  }

  @Test
  void split_255Parts_usesEveryNonZeroCoordinateOnce() {
    List<byte[]> shares = Shamir.split(new byte[] {42}, 255, 2);
    Set<Integer> xs = new HashSet<>();
    shares.forEach(s -> xs.add(s[1] & 0xFF));
    assertThat(xs).hasSize(255).doesNotContain(0);
  }

  @Test
  void split_emptySecret_isRefused() {
    assertThatThrownBy(() -> Shamir.split(new byte[0], 5, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot split an empty secret");
  }

  @Test
  void split_256Parts_isRefused() {
    assertThatThrownBy(() -> Shamir.split(new byte[] {1}, 256, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parts cannot exceed 255 (got 256)");
  }

  @Test
  void split_thresholdOne_isRefused() {
    assertThatThrownBy(() -> Shamir.split(new byte[] {1}, 5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("threshold must be at least 2 (got 1)");
  }

  @Test
  void split_partsBelowThreshold_isRefused() {
    assertThatThrownBy(() -> Shamir.split(new byte[] {1}, 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parts (2) cannot be less than threshold (3)");
  }

  @Test
  void split_checksRunInOpenBaoOrder() {
    // Both rules are broken; OpenBao reports parts < threshold first.
    assertThatThrownBy(() -> Shamir.split(new byte[0], 2, 3))
        .hasMessageStartingWith("parts (2) cannot be less than threshold");
    assertThatThrownBy(() -> Shamir.split(new byte[0], 5, 1))
        .hasMessageStartingWith("threshold must be at least 2");
  }

  @Test
  void combine_fewerThanTwoShares_isRefused() {
    assertThatThrownBy(() -> Shamir.combine(List.of(new byte[] {1, 2})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("at least two shares are needed");
    assertThatThrownBy(() -> Shamir.combine(List.of()))
        .hasMessageStartingWith("at least two shares are needed");
  }

  @Test
  void combine_oneByteShares_areRefused() {
    assertThatThrownBy(() -> Shamir.combine(List.of(new byte[] {1}, new byte[] {2})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("shares must be at least two bytes long");
  }

  @Test
  void combine_unequalLengths_areRefused() {
    assertThatThrownBy(() -> Shamir.combine(List.of(new byte[] {1, 2, 3}, new byte[] {1, 2})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("all shares must be the same length");
  }

  @Test
  void combine_duplicateX_isRefused() {
    byte[] a = {1, 2, 7};
    byte[] b = {3, 4, 7};
    assertThatThrownBy(() -> Shamir.combine(List.of(a, b)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("duplicate share");
    assertThatThrownBy(() -> Shamir.combine(List.of(a, a.clone())))
        .hasMessageStartingWith("duplicate share");
  }

  @Test
  void combine_xZero_isRefused() {
    assertThatThrownBy(() -> Shamir.combine(List.of(new byte[] {1, 0}, new byte[] {2, 5})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x coordinate 0");
  }

  @Test
  void combine_nullShare_isRefused() {
    assertThatThrownBy(() -> Shamir.combine(java.util.Arrays.asList(new byte[] {1, 2}, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
  }

  /**
   * The Fisher-Yates script that puts {@code first} at position 0 and {@code second} at position 1
   * of the shuffled list 1..255, leaving every other entry alone.
   */
  private static int[] coordinatesScript(int first, int second) {
    int[] script = new int[254];
    for (int i = 254; i >= 1; i--) {
      int j = i; // swap with itself: no change
      if (i == first - 1) {
        j = 0;
      } else if (i == second - 1) {
        j = 1;
      }
      script[254 - i] = j;
    }
    return script;
  }
}
