package io.brine.bench;

import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.SealStatus;
import io.brine.vault.VaultCore;
import io.brine.vault.storage.FileStorage;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unseal latency as an operator sees it: from the share that completes the quorum to an unsealed
 * vault (combine, unwrap the root key, open the keyring, install the barrier), on a real file
 * store. The vault is sealed again and the other shares submitted before each measured call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class UnsealBenchmark {
  /** "shares/threshold". */
  @Param({"5/3", "255/128"})
  String scheme;

  private Path dir;
  private VaultCore vault;
  private InitResult init;
  private int threshold;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String[] f = scheme.split("/", 2);
    int shares = Integer.parseInt(f[0]);
    threshold = Integer.parseInt(f[1]);
    dir = Files.createTempDirectory("brine-unseal-bench");
    vault = VaultCore.builder(FileStorage.open(dir)).build();
    init = vault.initialize(new InitRequest(shares, threshold, 0, 0));
  }

  @Setup(Level.Invocation)
  public void sealAndSubmitAllButOne() throws Exception {
    vault.seal(init.rootToken());
    for (int i = 0; i < threshold - 1; i++) {
      vault.submitUnsealKey(init.keys().get(i), false);
    }
  }

  @Benchmark
  public SealStatus lastShareToUnsealed() throws Exception {
    SealStatus s = vault.submitUnsealKey(init.keys().get(threshold - 1), false);
    if (s.sealed()) {
      throw new IllegalStateException("the vault did not unseal");
    }
    return s;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    vault.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
