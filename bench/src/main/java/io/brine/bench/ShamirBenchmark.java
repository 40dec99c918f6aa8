package io.brine.bench;

import io.brine.crypto.Shamir;
import java.security.SecureRandom;
import java.util.List;
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
 * Shamir splitting and combining of a 32-byte unseal key, for a usual scheme (5 shares, 3 needed)
 * and the largest one OpenBao allows (255 shares, 128 needed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class ShamirBenchmark {
  /** "parts/threshold". */
  @Param({"5/3", "255/128"})
  String scheme;

  private int parts;
  private int threshold;
  private byte[] secret;
  private List<byte[]> quorum;

  @Setup(Level.Trial)
  public void setUp() {
    String[] fields = scheme.split("/", 2);
    parts = Integer.parseInt(fields[0]);
    threshold = Integer.parseInt(fields[1]);
    secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    // Exactly threshold shares, as an unseal gets: combine() costs more with more shares.
    quorum = List.copyOf(Shamir.split(secret, parts, threshold).subList(0, threshold));
  }

  @Benchmark
  public List<byte[]> split() {
    return Shamir.split(secret, parts, threshold);
  }

  @Benchmark
  public byte[] combine() {
    return Shamir.combine(quorum);
  }

  @Benchmark
  public byte[] splitAndCombine() {
    List<byte[]> shares = Shamir.split(secret, parts, threshold);
    return Shamir.combine(shares.subList(0, threshold));
  }
}
