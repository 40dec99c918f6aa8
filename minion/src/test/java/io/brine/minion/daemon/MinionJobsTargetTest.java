package io.brine.minion.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.common.log.LogLines;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.TestContext;
import io.brine.minion.functions.builtin.Grains;
import io.brine.minion.jobs.JidMemory;
import io.brine.minion.jobs.JobRunner;
import io.brine.protocol.MinionId;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.JobPublication;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.Target;
import io.netty.channel.DefaultEventLoop;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defence in depth: a minion runs a publication only when its target matches the minion's own id
 * and grains, whatever the master resolved (a real runner, jid memory and call queue).
 */
class MinionJobsTargetTest {
  private static final MinionId ID = MinionId.of("web1");

  @TempDir Path dir;

  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final LinkedBlockingQueue<SessionCall> sent = new LinkedBlockingQueue<>();
  private JobRunner runner;
  private MinionJobs jobs;

  @BeforeEach
  void minion() throws Exception {
    Grains grains = new Grains(Map.of("role", "web", "dc", "east"), null);
    runner =
        new JobRunner(
            FunctionRegistry.builtIn(grains),
            new TestContext(dir),
            2,
            JidMemory.open(dir.resolve("cache"), Duration.ofMinutes(5), Clock.systemUTC()));
    MasterCalls calls = new MasterCalls(loop);
    loop.execute(
        () ->
            calls.ready(
                plaintext -> {
                  try {
                    sent.add(SessionCall.parse(plaintext));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
    jobs = new MinionJobs(ID, grains, runner, calls);
  }

  @AfterEach
  void stop() {
    runner.close();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static byte[] job(String jid, Target target) {
    return new JobPublication(
            jid, Instant.now(), target, "test.ping", JobJson.MAPPER.createArrayNode(),
            JobJson.MAPPER.createObjectNode(), Duration.ofSeconds(5))
        .toJson();
  }

  @Test
  void aGrainTargetThatDoesNotMatchItsGrains_isDropped_oneThatDoes_runs() throws Exception {
    try (LogLines lines = LogLines.of(MinionJobs.class)) {
      jobs.published(job("20261203130000000001", Target.of("grain", "role:db")));
      jobs.published(job("20261203130000000002", Target.of("compound", "web1 and G@dc:west")));
      jobs.published(job("20261203130000000003", Target.of("compound", "G@role:web and G@dc:e*")));

      SessionCall ret = sent.poll(10, TimeUnit.SECONDS);
      assertThat(ret).isNotNull();
      assertThat(ret.kind()).isEqualTo(SessionCall.RETURN);
      assertThat(ret.body().path("jid").asText()).isEqualTo("20261203130000000003");
      assertThat(sent.poll(500, TimeUnit.MILLISECONDS)).as("nothing else ran").isNull();
      assertThat(lines.containing("does not match this minion")).hasSize(2);
      assertThat(List.copyOf(lines.containing("20261203130000000001"))).hasSize(1);
    }
  }
}
