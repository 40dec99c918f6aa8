package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.TestContext;
import io.brine.minion.jobs.JidMemory;
import io.brine.minion.jobs.JobCall;
import io.brine.minion.jobs.JobResult;
import io.brine.minion.jobs.JobRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** test.rand_str, test.arg, test.exception. */
class TestArgRandStrExceptionTest {
  @TempDir Path dir;

  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  @Test
  void randStr_isASha256HexDigestByDefault_andDiffersEachCall() throws Exception {
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      Object v = new TestRandStr("test.rand_str").call(ctx.call()).value();
      assertThat((String) v).matches("[0-9a-f]{64}");
      seen.add(v);
    }
    assertThat(seen).as("20 draws from 10^10").hasSize(20);
    assertThat((String) new TestRandStr("test.random_hash").call(ctx.call(5, "md5")).value())
        .matches("[0-9a-f]{32}");
    assertThat(
            new TestRandStr("test.rand_str")
                .call(ctx.call(List.of(), Map.of("size", "1", "hash_type", "sha1")))
                .value())
        .as("size 1: the digest of 0 or of 1")
        .isIn(
            "b6589fc6ab0dc82cf12099d1c2d40ab994e8410c", "356a192b7913b04c54574d18c28d46e6395428ab");
  }

  @Test
  void randStr_refusesABadSizeOrHashType() {
    assertThatThrownBy(() -> new TestRandStr("test.rand_str").call(ctx.call("0")))
        .isInstanceOf(FunctionException.class)
        .hasMessage("test.rand_str: 'size' must be a whole number of at least 1");
    assertThatThrownBy(() -> new TestRandStr("test.rand_str").call(ctx.call(10, "rot13")))
        .hasMessageStartingWith("test.rand_str: 'hash_type' must be one of md5, sha1");
  }

  @Test
  void arg_returnsArgsAndKwargs_withoutSaltsInternalKeywords() throws Exception {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("a", "1");
    kwargs.put("nested", Map.of("k", List.of(1, 2)));
    kwargs.put("__pub_jid", "20261203000000000000");

    FunctionOutput out = new TestArg().call(ctx.call(List.of("x", 2), kwargs));

    assertThat(out)
        .isEqualTo(
            FunctionOutput.ok(
                Map.of(
                    "args",
                    List.of("x", 2),
                    "kwargs",
                    Map.of("a", "1", "nested", Map.of("k", List.of(1, 2))))));
  }

  @Test
  void exception_failsTheJobWithOneCleanLine() throws Exception {
    try (JobRunner runner =
        new JobRunner(
            FunctionRegistry.builtIn(),
            ctx,
            1,
            JidMemory.open(dir, Duration.ofMinutes(5), Clock.systemUTC()))) {
      JobResult plain = run(runner, "20261203120000000001", List.of());
      JobResult told = run(runner, "20261203120000000002", List.of("disk on fire"));

      assertThat(plain.retcode()).isEqualTo(1);
      assertThat(plain.ret()).isEqualTo("test.exception failed: RuntimeException: Test Exception");
      assertThat(told.ret()).isEqualTo("test.exception failed: RuntimeException: disk on fire");
    }
    assertThatThrownBy(() -> new TestException().call(ctx.call("a", "b")))
        .isInstanceOf(FunctionException.class)
        .hasMessage("test.exception takes at most 1 positional argument (message), 2 given");
  }

  private static JobResult run(JobRunner runner, String jid, List<Object> args) throws Exception {
    JobCall call =
        new JobCall(jid, Instant.now(), "test.exception", args, Map.of(), Duration.ofSeconds(30));
    return runner.submit(call).orElseThrow().get(30, TimeUnit.SECONDS);
  }
}
