package io.brine.crypto.rsa;

import static io.brine.crypto.rsa.TestKeys.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.MalformedKeyException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The JDK-only path {@link Pem#readPublicKey} takes for the PEM that minions send: it must read
 * exactly the keys Bouncy Castle's parser reads from that text, and hand everything else back.
 */
class PemCanonicalSpkiTest {
  private static final String OPENSSL_SPKI = fixture("salt-minion-spki.pub");

  @Test
  void ourOwnAndOpenSslsText_takeTheFastPath_andGiveTheSameKey() throws Exception {
    RSAPublicKey generated = TestKeys.pub(TestKeys.rsa2048(0));
    assertThat(Pem.readCanonicalSpki(Pem.writePublicKey(generated))).isEqualTo(generated);

    RSAPublicKey fromPrivate =
        Pem.publicHalf(
            TestKeys.priv(
                Pem.readPrivateKey(
                    fixture("salt-minion-pkcs8.pem").getBytes(StandardCharsets.US_ASCII))));
    assertThat(Pem.readCanonicalSpki(OPENSSL_SPKI)).isEqualTo(fromPrivate);
    assertThat(Pem.readCanonicalSpki(OPENSSL_SPKI.replace("\n", "\r\n"))).isEqualTo(fromPrivate);
  }

  @Test
  void otherFormsOfAValidKey_areLeftToTheParser_whichStillReadsThem() throws Exception {
    RSAPublicKey expected = Pem.readPublicKey(OPENSSL_SPKI);
    String[] others = {
      fixture("salt-minion-pkcs1.pub"), // RSA PUBLIC KEY, as Salt writes
      "a comment line\n" + OPENSSL_SPKI,
    };
    for (String pem : others) {
      assertThat(Pem.readCanonicalSpki(pem)).as(pem).isNull();
      assertThat(Pem.readPublicKey(pem)).as(pem).isEqualTo(expected);
    }
  }

  @Test
  void derWithABytePastTheKey_isLeftToTheParser_whichRefusesIt() {
    byte[] der = Pem.readCanonicalSpki(OPENSSL_SPKI).getEncoded();
    byte[] longer = Arrays.copyOf(der, der.length + 1);
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(longer)
            + "\n-----END PUBLIC KEY-----\n";

    assertThat(Pem.readCanonicalSpki(pem)).isNull();
    assertThatThrownBy(() -> Pem.readPublicKey(pem)).isInstanceOf(MalformedKeyException.class);
  }

  @Test
  void aKeyThatIsNotRsa_isLeftToTheParser_whichSaysWhatItIs() {
    assertThat(Pem.readCanonicalSpki(fixture("ec-p256.pub"))).isNull();
    assertThatThrownBy(() -> Pem.readPublicKey(fixture("ec-p256.pub")))
        .isInstanceOf(MalformedKeyException.class)
        .hasMessageContaining("EC, not RSA");
  }

  @Test
  void strayCharactersOrNoText_areNotReadHere() {
    assertThat(Pem.readCanonicalSpki(null)).isNull();
    assertThat(Pem.readCanonicalSpki("")).isNull();
    assertThat(Pem.readCanonicalSpki(OPENSSL_SPKI.replace("MIIB", "MI B"))).isNull();
    assertThat(Pem.readCanonicalSpki(OPENSSL_SPKI + OPENSSL_SPKI)).isNull();
  }
}
