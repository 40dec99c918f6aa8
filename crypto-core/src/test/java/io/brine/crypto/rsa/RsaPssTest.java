package io.brine.crypto.rsa;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.InvalidSignatureException;
import io.brine.crypto.UnderEachProvider;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class RsaPssTest extends UnderEachProvider {
  private static final KeyPair KP = TestKeys.rsa2048(0);
  private static final byte[] DATA =
      "auth reply|nonce 3f2a|minion web1".getBytes(StandardCharsets.UTF_8);

  @Test
  void signThenVerify_works() throws Exception {
    byte[] sig = RsaPssSigner.create(TestKeys.priv(KP)).sign(DATA);
    assertThatCode(() -> RsaPssVerifier.create(TestKeys.pub(KP)).verify(sig, DATA))
        .doesNotThrowAnyException();
  }

  /** Bouncy Castle's SHA256withRSAandMGF1 is PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt. */
  @Test
  void ourSignature_verifiesWithBouncyCastle_andTheirsWithUs() throws Exception {
    byte[] ours = RsaPssSigner.create(TestKeys.priv(KP)).sign(DATA);
    Signature bc = Signature.getInstance("SHA256withRSAandMGF1", new BouncyCastleProvider());
    bc.initVerify(KP.getPublic());
    bc.update(DATA);
    org.assertj.core.api.Assertions.assertThat(bc.verify(ours)).isTrue();

    bc.initSign(KP.getPrivate());
    bc.update(DATA);
    byte[] theirs = bc.sign();
    assertThatCode(() -> RsaPssVerifier.create(TestKeys.pub(KP)).verify(theirs, DATA))
        .doesNotThrowAnyException();
  }

  @Test
  void tamperedDataOrSignature_orOtherKey_isRefused() throws Exception {
    byte[] sig = RsaPssSigner.create(TestKeys.priv(KP)).sign(DATA);
    RsaPssVerifier verifier = RsaPssVerifier.create(TestKeys.pub(KP));

    byte[] otherData = DATA.clone();
    otherData[0] ^= 1;
    assertThatThrownBy(() -> verifier.verify(sig, otherData))
        .isInstanceOf(InvalidSignatureException.class);

    byte[] otherSig = sig.clone();
    otherSig[17] ^= 1;
    assertThatThrownBy(() -> verifier.verify(otherSig, DATA))
        .isInstanceOf(InvalidSignatureException.class);

    assertThatThrownBy(() -> verifier.verify(new byte[3], DATA))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessage("signature verification failed");

    RsaPssVerifier other = RsaPssVerifier.create(TestKeys.pub(TestKeys.rsa2048(1)));
    assertThatThrownBy(() -> other.verify(sig, DATA)).isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void pkcs1v15Signature_isNotAcceptedAsPss() throws Exception {
    Signature v15 = Signature.getInstance("SHA256withRSA");
    v15.initSign(KP.getPrivate());
    v15.update(DATA);
    byte[] sig = v15.sign();
    assertThatThrownBy(() -> RsaPssVerifier.create(TestKeys.pub(KP)).verify(sig, DATA))
        .isInstanceOf(InvalidSignatureException.class);
  }
}
