package io.brine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretBytesTest {

  @Test
  void copyOf_takesACopy() {
    byte[] raw = {1, 2, 3};
    SecretBytes s = SecretBytes.copyOf(raw);
    raw[0] = 9;
    assertThat(s.copyOut(SecretAccess.INSECURE)).containsExactly(1, 2, 3);
  }

  @Test
  void wrap_takesOwnership_andDestroyWipesThatArray() {
    byte[] raw = {1, 2, 3};
    SecretBytes s = SecretBytes.wrap(raw);
    s.destroy();
    assertThat(raw).containsOnly(0);
    assertThat(s.isDestroyed()).isTrue();
    assertThatThrownBy(() -> s.copyOut(SecretAccess.INSECURE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("secret has been destroyed");
  }

  @Test
  void copyOut_givesAFreshCopyEachTime() {
    SecretBytes s = SecretBytes.random(16, new SecureRandom());
    byte[] a = s.copyOut(SecretAccess.INSECURE);
    a[0] ^= 1;
    assertThat(s.copyOut(SecretAccess.INSECURE)).isNotEqualTo(a);
  }

  @Test
  void copyOut_withoutAccessToken_isRefused() {
    SecretBytes s = SecretBytes.copyOf(new byte[] {1});
    assertThatThrownBy(() -> s.copyOut(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void toString_showsLengthNeverBytes() {
    SecretBytes s = SecretBytes.copyOf(new byte[] {0x41, 0x42, 0x43});
    assertThat(s.toString()).isEqualTo("SecretBytes[3 bytes]").doesNotContain("65", "ABC", "41");
  }

  @Test
  void equalsInConstantTime_comparesContent() {
    SecretBytes a = SecretBytes.copyOf(new byte[] {1, 2});
    assertThat(a.equalsInConstantTime(SecretBytes.copyOf(new byte[] {1, 2}))).isTrue();
    assertThat(a.equalsInConstantTime(SecretBytes.copyOf(new byte[] {1, 3}))).isFalse();
    assertThat(a.equalsInConstantTime(SecretBytes.copyOf(new byte[] {1}))).isFalse();
  }

  @Test
  void random_refusesNonPositiveLength() {
    assertThatThrownBy(() -> SecretBytes.random(0, new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
