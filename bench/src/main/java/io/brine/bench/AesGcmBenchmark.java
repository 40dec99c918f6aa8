package io.brine.bench;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.crypto.aead.SequencedAesGcm;
import java.security.SecureRandom;
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
 * AES-256-GCM with random nonces (vault entries, publications) and with counter nonces (session
 * traffic), for a small message and a large one.
 *
 * <p>JMH reports messages per second; multiply by {@code size} for bytes per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class AesGcmBenchmark {
  /** Plaintext bytes: a typical command or reply, and a large file chunk. */
  @Param({"1024", "65536"})
  int size;

  private RandomNonceAesGcm randomNonce;
  private SequencedAesGcm sequenced;
  private byte[] plaintext;
  private byte[] aad;
  private byte[] ciphertext;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    AesGcmKey key = AesGcmKey.generate();
    // Both objects count their encryptions and refuse to go past 2^32 under one key. A trial makes
    // far fewer, and fresh objects per trial keep the count from building up across trials.
    randomNonce = RandomNonceAesGcm.create(key);
    sequenced = SequencedAesGcm.create(key, SequencedAesGcm.Role.INITIATOR);

    SecureRandom random = new SecureRandom();
    plaintext = new byte[size];
    random.nextBytes(plaintext);
    // Callers bind a short header (ids, a version byte) as associated data.
    aad = new byte[16];
    random.nextBytes(aad);
    ciphertext = randomNonce.encrypt(plaintext, aad);
  }

  @Benchmark
  public byte[] encrypt() throws Exception {
    return randomNonce.encrypt(plaintext, aad);
  }

  @Benchmark
  public byte[] decrypt() throws Exception {
    return randomNonce.decrypt(ciphertext, aad);
  }

  @Benchmark
  public byte[] sequencedEncrypt() throws Exception {
    // No sequencedDecrypt: the receiver accepts only the next expected counter, so decrypting one
    // fixed ciphertext over and over fails from the second call on. The GCM work is the same as
    // in decrypt() above.
    return sequenced.encrypt(plaintext, aad);
  }
}
