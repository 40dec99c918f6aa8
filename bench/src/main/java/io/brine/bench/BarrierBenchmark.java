package io.brine.bench;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.barrier.Keyring;
import io.brine.vault.storage.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The barrier's cost over the AES-GCM it wraps, at 4 KiB: put and get through {@link Barrier} on
 * an in-memory store (so the disk does not hide the barrier's own work), next to the bare
 * encryption and decryption of the same value in the same run. The ratio barrier/raw is the figure
 * docs/performance.md records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class BarrierBenchmark {
  private static final String PATH = "master/rsa-private-key";
  private static final byte[] AAD = PATH.getBytes(StandardCharsets.UTF_8);

  private Barrier barrier;
  private RandomNonceAesGcm raw;
  private byte[] value;
  private byte[] rawCiphertext;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    value = new byte[4096];
    new SecureRandom().nextBytes(value);
    barrier = new Barrier(new InMemoryStorage());
    barrier.install(Keyring.generate());
    barrier.put(PATH, value);
    raw = RandomNonceAesGcm.create(AesGcmKey.generate());
    rawCiphertext = raw.encrypt(value, AAD);
  }

  @Benchmark
  public void barrierPut() throws Exception {
    barrier.put(PATH, value);
  }

  @Benchmark
  public byte[] barrierGet() throws Exception {
    return barrier.get(PATH).orElseThrow();
  }

  @Benchmark
  public byte[] rawEncrypt() throws Exception {
    return raw.encrypt(value, AAD);
  }

  @Benchmark
  public byte[] rawDecrypt() throws Exception {
    return raw.decrypt(rawCiphertext, AAD);
  }
}
