package io.brine.crypto.rsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.UnderEachProvider;
import io.brine.crypto.WeakKeyException;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class RsaOaepTest extends UnderEachProvider {
  private static final KeyPair KP = TestKeys.rsa2048(0);

  @Test
  void decrypt_withADestroyedKey_failsAsAnyDecryptionDoes() throws Exception {
    KeyPair pair = RsaKeys.generate(2048);
    RsaOaepDecrypter decrypter =
        RsaOaepDecrypter.create((RSAPrivateCrtKey) pair.getPrivate());
    byte[] wrapped = RsaOaepEncrypter.create((RSAPublicKey) pair.getPublic()).encrypt(new byte[32]);
    // Under ACCP the key is destroyed for real (the vault seals while a handshake decrypts);
    // under the JDK destroy does nothing and the decryption still works.
    boolean destroyed = RsaKeys.destroy(pair.getPrivate());
    if (destroyed) {
      assertThatThrownBy(() -> decrypter.decrypt(wrapped))
          .isInstanceOf(DecryptionFailedException.class);
    } else {
      assertThat(decrypter.decrypt(wrapped)).hasSize(32);
    }
  }

  @Test
  void wrapThenUnwrap_givesTheSecretBack() throws Exception {
    SecretBytes key = SecretBytes.random(32, new java.security.SecureRandom());
    byte[] wrapped = RsaOaepEncrypter.create(TestKeys.pub(KP)).wrap(key);

    assertThat(wrapped).hasSize(256);
    SecretBytes back = RsaOaepDecrypter.create(TestKeys.priv(KP)).unwrap(wrapped);
    assertThat(back.equalsInConstantTime(key)).isTrue();
  }

  @Test
  void ourCiphertext_decryptsWithBouncyCastleOaepSha256Mgf1Sha256() throws Exception {
    byte[] msg = "publish key epoch 7".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] ct = RsaOaepEncrypter.create(TestKeys.pub(KP)).encrypt(msg);

    Cipher bc =
        Cipher.getInstance("RSA/NONE/OAEPWithSHA256AndMGF1Padding", new BouncyCastleProvider());
    bc.init(Cipher.DECRYPT_MODE, KP.getPrivate());
    assertThat(bc.doFinal(ct)).isEqualTo(msg);
  }

  @Test
  void jdkCiphertextWithExplicitSha256Parameters_decrypts() throws Exception {
    Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
    jdk.init(
        Cipher.ENCRYPT_MODE,
        KP.getPublic(),
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    byte[] ct = jdk.doFinal(new byte[] {1, 2, 3});

    assertThat(RsaOaepDecrypter.create(TestKeys.priv(KP)).decrypt(ct)).containsExactly(1, 2, 3);
  }

  /** The JDK's named OAEPWithSHA-256AndMGF1Padding uses MGF1-SHA-1; we must not accept that. */
  @Test
  void jdkDefaultMgf1Sha1Ciphertext_isRefused() throws Exception {
    Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", "SunJCE");
    jdk.init(Cipher.ENCRYPT_MODE, KP.getPublic());
    byte[] ct = jdk.doFinal(new byte[] {1, 2, 3});

    assertThatThrownBy(() -> RsaOaepDecrypter.create(TestKeys.priv(KP)).decrypt(ct))
        .isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void otherKey_orTampering_failsWithOneException() throws Exception {
    byte[] ct = RsaOaepEncrypter.create(TestKeys.pub(KP)).encrypt(new byte[] {9});
    RsaOaepDecrypter other = RsaOaepDecrypter.create(TestKeys.priv(TestKeys.rsa2048(1)));
    assertThatThrownBy(() -> other.decrypt(ct)).isInstanceOf(DecryptionFailedException.class);

    RsaOaepDecrypter right = RsaOaepDecrypter.create(TestKeys.priv(KP));
    byte[] flipped = ct.clone();
    flipped[100] ^= 1;
    assertThatThrownBy(() -> right.decrypt(flipped))
        .isInstanceOf(DecryptionFailedException.class)
        .hasMessage("decryption failed");
    assertThatThrownBy(() -> right.decrypt(new byte[10]))
        .isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void plaintextTooLong_isRefusedWithTheLimit() throws Exception {
    RsaOaepEncrypter enc = RsaOaepEncrypter.create(TestKeys.pub(KP));
    assertThat(enc.maxPlaintextBytes()).isEqualTo(190);
    assertThatThrownBy(() -> enc.encrypt(new byte[191]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 190 bytes");
  }

  @Test
  void weakPublicKey_isRefused() throws Exception {
    RSAPublicKey e3 =
        (RSAPublicKey)
            KeyFactory.getInstance("RSA")
                .generatePublic(
                    new RSAPublicKeySpec(TestKeys.pub(KP).getModulus(), BigInteger.valueOf(3)));
    assertThatThrownBy(() -> RsaOaepEncrypter.create(e3)).isInstanceOf(WeakKeyException.class);
  }

  @Test
  void unwrappedSecret_isOwnedAndWipedByItsHolder() throws Exception {
    SecretBytes key = SecretBytes.copyOf(new byte[] {1, 2, 3, 4});
    SecretBytes back =
        RsaOaepDecrypter.create(TestKeys.priv(KP))
            .unwrap(RsaOaepEncrypter.create(TestKeys.pub(KP)).wrap(key));
    assertThat(back.copyOut(SecretAccess.INSECURE)).containsExactly(1, 2, 3, 4);
    back.destroy();
    assertThatThrownBy(() -> back.copyOut(SecretAccess.INSECURE))
        .isInstanceOf(IllegalStateException.class);
  }
}
