package io.brine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.CryptoProviders.Choice;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import javax.security.auth.Destroyable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each choice resolves to, and that keys come out as the chosen provider's own objects. */
class CryptoProvidersTest {
  private static final String ACCP_NAME = "AmazonCorrettoCryptoProvider";

  @AfterEach
  void restore() throws ProviderUnavailableException {
    CryptoProviders.select(Choice.AUTO);
  }

  @Test
  void auto_usesAccpOnThisMachine() throws Exception {
    CryptoProviders.Selection s = CryptoProviders.select(Choice.AUTO);
    assertThat(s.accpLoaded()).as(s.description()).isTrue();
    assertThat(CryptoProviders.describe())
        .startsWith("AWS-LC (Amazon Corretto Crypto Provider 2.5");
    assertThat(CryptoProviders.rsaPssSignature().getProvider().getName()).isEqualTo(ACCP_NAME);
    assertThat(CryptoProviders.rsaOaepCipher().getProvider().getName()).isEqualTo(ACCP_NAME);
    assertThat(CryptoProviders.aesGcmCipher().getProvider().getName()).isEqualTo(ACCP_NAME);
    assertThat(CryptoProviders.rsaKeyFactory().getProvider().getName()).isEqualTo(ACCP_NAME);
  }

  @Test
  void jdk_usesTheJdksProviders() throws Exception {
    CryptoProviders.Selection s = CryptoProviders.select(Choice.JDK);
    assertThat(s.accpLoaded()).isFalse();
    assertThat(s.description()).isEqualTo("JDK (crypto_provider: jdk)");
    assertThat(CryptoProviders.rsaPssSignature().getProvider().getName()).isEqualTo("SunRsaSign");
    assertThat(CryptoProviders.aesGcmCipher().getProvider().getName()).isEqualTo("SunJCE");
  }

  @Test
  void keysAreTheChosenProvidersOwn_andPrivateKeysCanBeDestroyed() throws Exception {
    CryptoProviders.select(Choice.ACCP);
    KeyPair generated = RsaKeys.generate(2048);
    assertThat(generated.getPrivate().getClass().getName()).startsWith("com.amazon.corretto");
    byte[] pem = Pem.writePrivateKey((RSAPrivateCrtKey) generated.getPrivate());
    KeyPair read = Pem.readPrivateKey(pem);
    assertThat(read.getPrivate().getClass().getName()).startsWith("com.amazon.corretto");
    assertThat(read.getPublic()).isEqualTo(generated.getPublic());

    // A key made by the JDK is translated once, where it is held.
    RSAPublicKey jdkKey =
        (RSAPublicKey)
            KeyFactory.getInstance("RSA", "SunRsaSign")
                .generatePublic(new X509EncodedKeySpec(generated.getPublic().getEncoded()));
    RSAPublicKey translated = CryptoProviders.nativeRsaKey(jdkKey);
    assertThat(translated.getClass().getName()).startsWith("com.amazon.corretto");
    assertThat(translated).isEqualTo(jdkKey);

    Destroyable priv = (Destroyable) read.getPrivate();
    priv.destroy();
    assertThat(priv.isDestroyed()).isTrue();
  }

  @Test
  void parse_takesTheThreeSpellings_andRefusesOthersInOneLine() {
    assertThat(Choice.parse("auto")).isEqualTo(Choice.AUTO);
    assertThat(Choice.parse(" ACCP ")).isEqualTo(Choice.ACCP);
    assertThat(Choice.parse("jdk")).isEqualTo(Choice.JDK);
    assertThatThrownBy(() -> Choice.parse("openssl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("crypto_provider is 'openssl'; use auto, accp or jdk");
  }
}
