package io.brine.bench;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.crypto.rsa.RsaOaepDecrypter;
import io.brine.crypto.rsa.RsaOaepEncrypter;
import io.brine.crypto.rsa.RsaPssSigner;
import io.brine.crypto.rsa.RsaPssVerifier;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.TimeUnit;
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
 * RSA private operations (PSS sign, OAEP decrypt) and public operations (PSS verify, OAEP
 * encrypt) at the minion (2048) and master (4096) key sizes.
 *
 * <p>Private operations cost tens to hundreds of times more than public ones (exponent 65537), so
 * the two groups are read separately: a master's signing rate bounds how fast it can publish, a
 * minion's verify rate barely matters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RsaBenchmark {
  @Param({"2048", "4096"})
  int bits;

  /** crypto_provider: ACCP's AWS-LC or the JDK's, in the same run (docs/performance.md). */
  @Param({"accp", "jdk"})
  String provider;

  // Immutable and thread-safe in crypto-core, so built once: the benchmark measures the RSA
  // operation, not object construction or the key policy check done by create().
  private RsaPssSigner signer;
  private RsaPssVerifier verifier;
  private RsaOaepEncrypter encrypter;
  private RsaOaepDecrypter decrypter;

  private byte[] message;
  private byte[] signature;
  private byte[] secret;
  private byte[] wrapped;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    CryptoProviders.select(CryptoProviders.Choice.parse(provider));
    // Key generation takes up to seconds at 4096 bits: once per trial, outside any measurement.
    KeyPair pair = RsaKeys.generate(bits);
    RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) pair.getPrivate();
    RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
    signer = RsaPssSigner.create(privateKey);
    verifier = RsaPssVerifier.create(publicKey);
    encrypter = RsaOaepEncrypter.create(publicKey);
    decrypter = RsaOaepDecrypter.create(privateKey);

    SecureRandom random = new SecureRandom();
    // PSS hashes the message first, so its length hardly matters; 1 KiB is a typical publication.
    message = new byte[1024];
    random.nextBytes(message);
    signature = signer.sign(message);
    // What OAEP carries in brine: a 32-byte AES-256 session key.
    secret = new byte[32];
    random.nextBytes(secret);
    wrapped = encrypter.encrypt(secret);
  }

  @Benchmark
  public byte[] pssSign() throws Exception {
    return signer.sign(message);
  }

  @Benchmark
  public byte[] oaepDecrypt() throws Exception {
    return decrypter.decrypt(wrapped);
  }

  @Benchmark
  public void pssVerify() throws Exception {
    // verify() returns nothing and throws on a bad signature; its work cannot be eliminated
    // because the outcome (throw or not) is observable.
    verifier.verify(signature, message);
  }

  @Benchmark
  public byte[] oaepEncrypt() throws Exception {
    return encrypter.encrypt(secret);
  }
}
