package io.brine.crypto.rsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.UnderEachProvider;
import io.brine.crypto.WeakKeyException;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import org.junit.jupiter.api.Test;

class RsaKeysTest extends UnderEachProvider {

  @Test
  void destroy_freesAnAccpKey_andCannotDestroyAJdkOne() throws Exception {
    KeyPair pair = RsaKeys.generate(2048);
    boolean accp = provider == CryptoProviders.Choice.ACCP;
    assertThat(RsaKeys.destroy(pair.getPrivate())).isEqualTo(accp);
    assertThat(pair.getPrivate().isDestroyed()).isEqualTo(accp);
    assertThat(RsaKeys.destroy(pair.getPrivate())).as("a second time").isFalse();
  }

  @Test
  void generate_minionDefault_is2048BitsWithF4() throws Exception {
    KeyPair kp = RsaKeys.generate(RsaKeys.DEFAULT_MINION_BITS);
    RSAPublicKey pub = TestKeys.pub(kp);
    assertThat(pub.getModulus().bitLength()).isEqualTo(2048);
    assertThat(pub.getPublicExponent()).isEqualTo(BigInteger.valueOf(65537));
  }

  @Test
  void generate_masterDefault_is4096Bits() throws Exception {
    assertThat(RsaKeys.DEFAULT_MASTER_BITS).isEqualTo(4096);
    KeyPair kp = RsaKeys.generate(RsaKeys.DEFAULT_MASTER_BITS);
    assertThat(RsaKeys.modulusBits(TestKeys.pub(kp))).isEqualTo(4096);
  }

  @Test
  void generate_1024Bits_isRefused() {
    assertThatThrownBy(() -> RsaKeys.generate(1024))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("1024 bits")
        .hasMessageContaining("at least 2048");
  }

  @Test
  void checkPolicy_exponent3_isRefused() throws Exception {
    RSAPublicKey strong = TestKeys.pub(TestKeys.rsa2048(0));
    RSAPublicKey e3 =
        (RSAPublicKey)
            KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(strong.getModulus(), BigInteger.valueOf(3)));
    assertThatThrownBy(() -> RsaKeys.checkPolicy(e3))
        .isInstanceOf(WeakKeyException.class)
        .hasMessage("RSA public exponent is 3; brine accepts only 65537 (generate a new key)");
  }
}
