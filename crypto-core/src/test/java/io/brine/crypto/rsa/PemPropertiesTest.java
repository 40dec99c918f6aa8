package io.brine.crypto.rsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** PEM round trips over a pool of keys, with the layout variations files pick up in the wild. */
class PemPropertiesTest {

  @Property(tries = 60)
  void publicKey_roundTrips_whateverTheLineEndingsAndBlankLines(
      @ForAll @IntRange(min = 0, max = 2) int keyIndex,
      @ForAll boolean crlf,
      @ForAll boolean leadingBlankLines,
      @ForAll boolean trailingBlankLines)
      throws Exception {
    KeyPair kp = TestKeys.rsa2048(keyIndex);
    String pem = Pem.writePublicKey(TestKeys.pub(kp));
    if (crlf) {
      pem = pem.replace("\n", "\r\n");
    }
    if (leadingBlankLines) {
      pem = "\n\n" + pem;
    }
    if (trailingBlankLines) {
      pem = pem + "\n\n";
    }

    assertThat(Pem.readPublicKey(pem)).isEqualTo(kp.getPublic());
    assertThat(Fingerprints.salt(pem))
        .as("blank lines and line endings do not change the Salt fingerprint's body lines")
        .isEqualTo(crlf ? Fingerprints.salt(pem) : Fingerprints.salt(TestKeys.pub(kp)));
  }

  @Property(tries = 30)
  void privateKey_roundTrips(@ForAll @IntRange(min = 0, max = 2) int keyIndex) throws Exception {
    KeyPair kp = TestKeys.rsa2048(keyIndex);
    KeyPair back = Pem.readPrivateKey(Pem.writePrivateKey(TestKeys.priv(kp)));
    assertThat(back.getPrivate()).isEqualTo(kp.getPrivate());
    assertThat(back.getPublic()).isEqualTo(kp.getPublic());
  }
}
