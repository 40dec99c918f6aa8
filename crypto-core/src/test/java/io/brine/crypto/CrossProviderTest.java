package io.brine.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.HkdfSpec;
import io.brine.crypto.CryptoProviders.Choice;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.crypto.agreement.X25519KeyPair;
import io.brine.crypto.kdf.HkdfSha256;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.crypto.rsa.RsaOaepDecrypter;
import io.brine.crypto.rsa.RsaOaepEncrypter;
import io.brine.crypto.rsa.RsaPssSigner;
import io.brine.crypto.rsa.RsaPssVerifier;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.SecretKeyFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each provider opens what the other sealed, with fresh random inputs (the vector tests pin the
 * published answers; this pins that the two agree on brine's own parameters). For X25519 and HKDF,
 * which brine does with Bouncy Castle whatever the choice, the other side is the JDK's XDH and
 * ACCP's HKDF.
 */
class CrossProviderTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @AfterEach
  void restore() throws ProviderUnavailableException {
    CryptoProviders.select(Choice.AUTO);
  }

  @Test
  void oaep_eachOpensWhatTheOtherWrapped() throws Exception {
    CryptoProviders.select(Choice.JDK);
    KeyPair pair = RsaKeys.generate(2048);
    for (Choice[] way : ways()) {
      byte[] secret = random(32);
      CryptoProviders.select(way[0]);
      byte[] wrapped = RsaOaepEncrypter.create((RSAPublicKey) pair.getPublic()).encrypt(secret);
      CryptoProviders.select(way[1]);
      byte[] opened =
          RsaOaepDecrypter.create((RSAPrivateCrtKey) pair.getPrivate()).decrypt(wrapped);
      assertThat(opened).as("%s -> %s", way[0], way[1]).isEqualTo(secret);
    }
  }

  @Test
  void pss_eachVerifiesWhatTheOtherSigned() throws Exception {
    CryptoProviders.select(Choice.ACCP);
    KeyPair pair = RsaKeys.generate(2048);
    for (Choice[] way : ways()) {
      byte[] data = random(200);
      CryptoProviders.select(way[0]);
      byte[] sig = RsaPssSigner.create((RSAPrivateCrtKey) pair.getPrivate()).sign(data);
      CryptoProviders.select(way[1]);
      RsaPssVerifier.create((RSAPublicKey) pair.getPublic()).verify(sig, data);
    }
  }

  @Test
  void gcm_eachOpensWhatTheOtherSealed() throws Exception {
    AesGcmKey key = AesGcmKey.generate();
    byte[] aad = "brine cross test".getBytes(StandardCharsets.US_ASCII);
    for (Choice[] way : ways()) {
      for (int size : new int[] {0, 1, 15, 16, 17, 1000, 70_000}) {
        byte[] msg = random(size);
        CryptoProviders.select(way[0]);
        byte[] sealed = RandomNonceAesGcm.create(key).encrypt(msg, aad);
        CryptoProviders.select(way[1]);
        byte[] opened = RandomNonceAesGcm.create(key).decrypt(sealed, aad);
        assertThat(opened).as("%s -> %s, %d bytes", way[0], way[1], size).isEqualTo(msg);
      }
    }
  }

  @Test
  void x25519_agreesWithTheJdksXdh() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("X25519", "SunEC");
    for (int i = 0; i < 20; i++) {
      KeyPair jdk = g.generateKeyPair();
      X25519KeyPair ours = X25519KeyPair.generate();

      byte[] jdkPublic = littleEndian(((XECPublicKey) jdk.getPublic()).getU());
      byte[] oursShared = ours.agree(jdkPublic).copyOut(SecretAccess.INSECURE);

      PublicKey oursAsJdk =
          KeyFactory.getInstance("XDH", "SunEC")
              .generatePublic(
                  new XECPublicKeySpec(NamedParameterSpec.X25519, bigEndianU(ours.publicKey())));
      KeyAgreement ka = KeyAgreement.getInstance("XDH", "SunEC");
      ka.init(jdk.getPrivate());
      ka.doPhase(oursAsJdk, true);
      assertThat(ka.generateSecret()).isEqualTo(oursShared);
      ours.destroy();
    }
  }

  @Test
  void hkdf_agreesWithAccps() throws Exception {
    SecretKeyFactory accp =
        SecretKeyFactory.getInstance("HkdfWithHmacSHA256", AmazonCorrettoCryptoProvider.INSTANCE);
    for (int i = 0; i < 50; i++) {
      byte[] ikm = random(1 + RANDOM.nextInt(80));
      byte[] salt = random(RANDOM.nextInt(40));
      byte[] info = random(RANDOM.nextInt(40));
      int length = 1 + RANDOM.nextInt(100);
      byte[] ours =
          HkdfSha256.derive(SecretBytes.copyOf(ikm), salt, info, length)
              .copyOut(SecretAccess.INSECURE);
      byte[] theirs =
          accp.generateSecret(HkdfSpec.hkdfSpec(ikm, salt, info, length, "RAW")).getEncoded();
      assertThat(ours).isEqualTo(theirs);
    }
  }

  private static Choice[][] ways() {
    return new Choice[][] {
      {Choice.ACCP, Choice.JDK}, {Choice.JDK, Choice.ACCP}, {Choice.ACCP, Choice.ACCP}
    };
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** RFC 7748 u-coordinates travel little-endian; the JDK's spec takes a BigInteger. */
  private static BigInteger bigEndianU(byte[] littleEndian) {
    byte[] be = new byte[littleEndian.length];
    for (int i = 0; i < be.length; i++) {
      be[i] = littleEndian[be.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  private static byte[] littleEndian(BigInteger u) {
    byte[] be = u.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < Math.min(32, be.length); i++) {
      le[i] = be[be.length - 1 - i];
    }
    return Arrays.copyOf(le, 32);
  }
}
