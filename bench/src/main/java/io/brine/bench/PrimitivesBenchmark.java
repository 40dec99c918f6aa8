package io.brine.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.HkdfSpec;
import io.brine.crypto.CryptoProviders;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.crypto.agreement.X25519KeyPair;
import io.brine.crypto.kdf.HkdfSha256;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The measurements behind {@link CryptoProviders}' choice of who does what, each primitive at the
 * sizes brine uses, under ACCP's AWS-LC and under the JDK's provider (or, for X25519 and HKDF,
 * which brine does with Bouncy Castle, against the other implementations). {@code provider} picks
 * the side; compare the two rows of each benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PrimitivesBenchmark {
  /** accp: AWS-LC; jdk: the JDK's own (and Bouncy Castle for what brine does with it). */
  @Param({"accp", "jdk"})
  String provider;

  /** Bytes sealed or hashed: a REQUEST (1 KiB) and a large publication or file chunk (64 KiB). */
  @Param({"1024", "65536"})
  int size;

  private Provider accp;
  private RandomNonceAesGcm gcm;
  private byte[] aad;
  private byte[] data;
  private byte[] short64;
  private SecretKeySpec hmacKey;
  private MessageDigest sha256;
  private SecretBytes ikm;
  private byte[] salt;
  private byte[] info;
  private KeyPairGenerator xdh;
  private SecretKeyFactory accpHkdf;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    CryptoProviders.select(CryptoProviders.Choice.parse(provider));
    accp = AmazonCorrettoCryptoProvider.INSTANCE;
    boolean accpRow = provider.equals("accp");
    SecureRandom random = new SecureRandom();
    gcm = RandomNonceAesGcm.create(AesGcmKey.generate());
    aad = new byte[13];
    data = new byte[size];
    random.nextBytes(data);
    short64 = new byte[64];
    hmacKey = new SecretKeySpec(new byte[32], "HmacSHA256");
    sha256 =
        accpRow ? MessageDigest.getInstance("SHA-256", accp) : MessageDigest.getInstance("SHA-256");
    ikm = SecretBytes.random(64, random);
    salt = new byte[32];
    info = "brine v1 session web1".getBytes(StandardCharsets.US_ASCII);
    xdh = KeyPairGenerator.getInstance("X25519", "SunEC");
    accpHkdf = SecretKeyFactory.getInstance("HkdfWithHmacSHA256", accp);
  }

  /** AES-256-GCM seal of {@code size} bytes through crypto-core (the chosen provider). */
  @Benchmark
  public byte[] gcmSeal() throws Exception {
    return gcm.encrypt(data, aad);
  }

  /** SHA-256 of {@code size} bytes (64 B: the transcript's input is about that short). */
  @Benchmark
  public byte[] sha256() {
    return sha256.digest(data);
  }

  /** HMAC-SHA256 over 64 bytes, as the handshake's MAC; the engine is looked up each time. */
  @Benchmark
  public byte[] hmac64() throws Exception {
    Mac mac =
        provider.equals("accp")
            ? Mac.getInstance("HmacSHA256", accp)
            : Mac.getInstance("HmacSHA256");
    mac.init(hmacKey);
    return mac.doFinal(short64);
  }

  /** The handshake's two 32-byte HKDF outputs: Bouncy Castle (jdk row) or ACCP (accp row). */
  @Benchmark
  public Object hkdfTwoKeys() throws Exception {
    if (provider.equals("accp")) {
      byte[] k = ikm.copyOut(SecretAccess.INSECURE);
      accpHkdf.generateSecret(HkdfSpec.hkdfSpec(k, salt, info, 32, "RAW")).getEncoded();
      return accpHkdf.generateSecret(HkdfSpec.hkdfSpec(k, salt, info, 32, "RAW")).getEncoded();
    }
    return HkdfSha256.deriveEach(ikm, salt, 32, info, info);
  }

  /** One ephemeral X25519 key and one agreement: Bouncy Castle (accp row) or SunEC (jdk row). */
  @Benchmark
  public Object x25519() throws Exception {
    if (provider.equals("accp")) {
      // ACCP 2.5 has no X25519: this row is what brine uses, Bouncy Castle.
      X25519KeyPair pair = X25519KeyPair.generate();
      Object shared = pair.agree(pair.publicKey());
      pair.destroy();
      return shared;
    }
    KeyPair pair = xdh.generateKeyPair();
    KeyAgreement ka = KeyAgreement.getInstance("X25519", "SunEC");
    ka.init(pair.getPrivate());
    ka.doPhase(pair.getPublic(), true);
    return ka.generateSecret();
  }
}
