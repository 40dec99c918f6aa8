package io.brine.crypto.rsa;

import static io.brine.crypto.rsa.TestKeys.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.MalformedKeyException;
import io.brine.crypto.UnderEachProvider;
import io.brine.crypto.WeakKeyException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;

class PemTest extends UnderEachProvider {

  @Test
  void publicKeyBlockWithBadDer_isRefusedWithoutNamingJavaExceptions() {
    String pem = "-----BEGIN PUBLIC KEY-----\nAAECAwQFBgcICQ==\n-----END PUBLIC KEY-----\n";

    assertThatThrownBy(() -> Pem.readPublicKey(pem))
        .isInstanceOf(MalformedKeyException.class)
        .hasMessageStartingWith("malformed PEM: ")
        .hasMessageContaining("not valid DER")
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("java.").doesNotContain("Exception"));
  }

  @Test
  void causeNames_areCutFromParserMessages() {
    assertThat(
            Pem.withoutCauseName(
                "problem parsing PUBLIC KEY: java.lang.IllegalArgumentException: failed to"
                    + " construct sequence from byte[]: corrupted stream"))
        .isEqualTo("problem parsing PUBLIC KEY: the block's content is not valid DER");
    assertThat(Pem.withoutCauseName("unable to read PEM header\nmore"))
        .isEqualTo("unable to read PEM header");
  }

  @Test
  void publicKey_writtenThenRead_isTheSameKey() throws Exception {
    RSAPublicKey pub = TestKeys.pub(TestKeys.rsa2048(0));
    String pem = Pem.writePublicKey(pub);
    assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
    assertThat(Pem.readPublicKey(pem)).isEqualTo(pub);
  }

  @Test
  void privateKey_writtenThenRead_isTheSamePair() throws Exception {
    KeyPair kp = TestKeys.rsa2048(1);
    byte[] pem = Pem.writePrivateKey(TestKeys.priv(kp));
    assertThat(new String(pem, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");

    KeyPair back = Pem.readPrivateKey(pem);

    assertThat(back.getPrivate()).isEqualTo(kp.getPrivate());
    assertThat(back.getPublic()).isEqualTo(kp.getPublic());
  }

  @Test
  void saltStylePkcs1Keys_fromOpenSsl_areRead() throws Exception {
    KeyPair pkcs1 =
        Pem.readPrivateKey(fixture("salt-minion-pkcs1.pem").getBytes(StandardCharsets.US_ASCII));
    KeyPair pkcs8 =
        Pem.readPrivateKey(fixture("salt-minion-pkcs8.pem").getBytes(StandardCharsets.US_ASCII));
    RSAPublicKey rsaPublicKey = Pem.readPublicKey(fixture("salt-minion-pkcs1.pub"));
    RSAPublicKey spki = Pem.readPublicKey(fixture("salt-minion-spki.pub"));

    assertThat(pkcs1.getPrivate()).isEqualTo(pkcs8.getPrivate());
    assertThat(rsaPublicKey).isEqualTo(spki).isEqualTo(pkcs1.getPublic());
  }

  @Test
  void opensslPublicKey_isRewrittenByteForByte() throws Exception {
    // Our writer and OpenSSL's produce the same text: same fingerprint as Salt would show.
    String openssl = fixture("salt-minion-spki.pub");
    assertThat(Pem.writePublicKey(Pem.readPublicKey(openssl))).isEqualTo(openssl);
  }

  @Test
  void crlfLineEndings_areRead() throws Exception {
    String crlf = fixture("salt-minion-spki.pub").replace("\n", "\r\n");
    assertThat(Pem.readPublicKey(crlf)).isEqualTo(Pem.readPublicKey(fixture("salt-minion-spki.pub")));
  }

  @Test
  void key1024Bits_isRefusedOnLoad() {
    assertThatThrownBy(() -> Pem.readPublicKey(fixture("weak-1024.pub")))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("1024 bits");
    assertThatThrownBy(() -> Pem.readPrivateKey(ascii(fixture("weak-1024.pem"))))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("1024 bits");
  }

  @Test
  void exponent3_isRefusedOnLoad() {
    assertThatThrownBy(() -> Pem.readPublicKey(fixture("exponent-3.pub")))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("exponent is 3");
    assertThatThrownBy(() -> Pem.readPrivateKey(ascii(fixture("exponent-3.pem"))))
        .isInstanceOf(WeakKeyException.class)
        .hasMessageContaining("exponent is 3");
  }

  @Test
  void ecKeys_areRefusedAsNotRsa() {
    assertThatThrownBy(() -> Pem.readPublicKey(fixture("ec-p256.pub")))
        .isInstanceOf(MalformedKeyException.class)
        .hasMessageContaining("not RSA");
    assertThatThrownBy(() -> Pem.readPrivateKey(ascii(fixture("ec-p256.pem"))))
        .isInstanceOf(MalformedKeyException.class);
  }

  @Test
  void encryptedPrivateKeys_areRefusedWithAReason() {
    for (String name : new String[] {"encrypted-pkcs1.pem", "encrypted-pkcs8.pem"}) {
      assertThatThrownBy(() -> Pem.readPrivateKey(ascii(fixture(name))))
          .as(name)
          .isInstanceOf(MalformedKeyException.class)
          .hasMessageContaining("encrypted with a passphrase");
    }
  }

  @Test
  void certificate_isNotAPublicKey() {
    assertThatThrownBy(() -> Pem.readPublicKey(fixture("certificate.pem")))
        .isInstanceOf(MalformedKeyException.class)
        .hasMessageStartingWith("expected a PEM public key, found a X509Certificate");
  }

  @Test
  void privateKeyWhereAPublicKeyIsExpected_isRefused() {
    assertThatThrownBy(() -> Pem.readPublicKey(fixture("salt-minion-pkcs1.pem")))
        .isInstanceOf(MalformedKeyException.class)
        .hasMessage("expected a PEM public key, found a private key");
  }

  @Test
  void malformedPem_isRefusedWithOneLine() {
    String good = fixture("salt-minion-spki.pub");
    String[] bad = {
      "",
      "   \n",
      "not a key at all",
      good.replace("-----END PUBLIC KEY-----", ""),
      good.replace("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", "MIIBIjANBgkqhkiG9w0BAQEFAAOC@@@@"),
      good.substring(0, 120) + "\n-----END PUBLIC KEY-----\n",
      "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
      good + good,
    };
    for (String pem : bad) {
      assertThatThrownBy(() -> Pem.readPublicKey(pem))
          .as("input %s", pem.length() > 60 ? pem.substring(0, 60) + "..." : pem)
          .isInstanceOf(MalformedKeyException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
