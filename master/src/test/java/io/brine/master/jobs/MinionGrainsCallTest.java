package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.LogLines;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.master.grains.FileGrainStore;
import io.brine.protocol.MinionId;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code grains} call: kept under the session's minion; too large or too deep refused. */
class MinionGrainsCallTest {
  private static final MinionId WEB1 = MinionId.of("web1");

  @TempDir Path dir;

  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private JobCache cache;
  private FileGrainStore grains;
  private MinionCalls calls;

  @BeforeEach
  void open() throws Exception {
    cache =
        JobCache.open(
            dir.resolve("jobs"),
            100,
            Duration.ofHours(24),
            Clock.systemUTC(),
            RandomNonceAesGcm.create(AesGcmKey.generate()));
    grains = FileGrainStore.open(dir.resolve("grains"));
    calls = new MinionCalls(cache, grains, null, null, workers, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    workers.shutdownNow();
    cache.close();
  }

  private SessionReply send(ObjectNode grainsJson) throws Exception {
    SessionCall call = SessionCall.of(1, SessionCall.GRAINS);
    call.body().set("grains", grainsJson);
    return SessionReply.parse(calls.handle(WEB1, call.toJson()).get(10, TimeUnit.SECONDS));
  }

  @Test
  void grains_areKeptForTheSessionsMinion() throws Exception {
    ObjectNode g = JobJson.MAPPER.createObjectNode().put("os", "Debian");
    g.putArray("ipv4").add("10.0.0.1");
    assertThat(send(g).isOk()).isTrue();
    assertThat(grains.snapshot().grains(WEB1)).containsEntry("os", "Debian");
    assertThat(FileGrainStore.open(dir.resolve("grains")).snapshot().grains(WEB1))
        .as("durable")
        .containsEntry("os", "Debian");
  }

  @Test
  void tooLargeOrTooDeep_isRefused_withOneEscapedLine() throws Exception {
    try (LogLines lines = LogLines.of(MinionCalls.class)) {
      ObjectNode big = JobJson.MAPPER.createObjectNode().put("blob", "x".repeat(70_000));
      SessionReply reply = send(big);
      assertThat(reply.isOk()).isFalse();
      assertThat(reply.error()).startsWith("grains refused: grains take ");

      ObjectNode deep = JobJson.MAPPER.createObjectNode();
      ObjectNode at = deep;
      for (int i = 0; i < 20; i++) {
        at = at.putObject("k\n" + i);
      }
      assertThat(send(deep).error()).contains("nest deeper than 16 levels");

      assertThat(lines.containing("grains of minion web1 refused")).hasSize(2);
      assertThat(lines.containing("\n")).isEmpty();
    }
    assertThat(grains.snapshot().grains(WEB1)).as("nothing kept").isNull();
  }
}
