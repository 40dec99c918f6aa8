package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.common.log.LogLines;
import io.brine.master.cluster.ClusterSecrets;
import io.brine.protocol.MinionId;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import io.brine.vault.storage.InMemoryStorage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A minion's return reaching a master of its own whose vault sealed meanwhile (a seal disconnects
 * the minions, but a return may already be on its way through): the file cache cannot seal it, so
 * it is held like a return for an unreachable store, never written in clear, and stored once the
 * vault is unsealed again; past the hold the minion is told.
 */
class MinionCallsSealedCacheTest {
  private static final MinionId WEB1 = MinionId.of("web1");

  @TempDir Path dir;

  private final InMemoryStorage barrier = new InMemoryStorage();
  private final ClusterSecrets secrets = new ClusterSecrets(() -> true, new SecureRandom());
  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private JobCache cache;
  private String jid;

  @BeforeEach
  void cacheWithOneJob() throws Exception {
    secrets.unsealed(barrier);
    cache = JobCache.open(dir, 100, Duration.ofHours(24), Clock.systemUTC(), secrets.dataAead());
    jid = Jid.next(Clock.systemUTC());
    cache.create(
        new JobRecord(
            jid,
            "test.ping",
            List.of(),
            Map.of(),
            "web*",
            "glob",
            List.of(WEB1),
            List.of(),
            Clock.systemUTC().instant()));
  }

  @AfterEach
  void close() {
    workers.shutdownNow();
    cache.close();
  }

  private static byte[] ret(long rid, String jid) {
    SessionCall call = SessionCall.of(rid, SessionCall.RETURN);
    call.body().put("jid", jid).put("fun", "test.ping").put("retcode", 0).put("success", true);
    call.body().set("return", JobJson.MAPPER.valueToTree(true));
    return call.toJson();
  }

  @Test
  void aReturnWhileTheVaultIsSealed_isHeld_andStoredOnceUnsealed() throws Exception {
    MinionCalls calls = new MinionCalls(cache, null, workers, Clock.systemUTC());
    try (LogLines log = LogLines.of(MinionCalls.class)) {
      secrets.sealed();
      CompletableFuture<byte[]> reply = calls.handle(WEB1, ret(5, jid));

      awaitTrue(() -> !log.containing("holding the minions' returns").isEmpty());
      assertThat(reply).as("no answer while nothing is stored").isNotDone();
      assertThat(log.containing("holding the minions' returns").get(0))
          .startsWith("WARN the job cache is sealed with the vault; holding");
      assertThat(cache.returnedCount(jid)).hasValue(0);

      secrets.unsealed(barrier);
      SessionReply answer = SessionReply.parse(reply.get(60, TimeUnit.SECONDS));
      assertThat(answer.isOk()).isTrue();
      assertThat(answer.rid()).isEqualTo(5);
      assertThat(cache.find(jid).orElseThrow().returns()).containsOnlyKeys(WEB1);
    }
  }

  @Test
  void pastTheHold_theMinionIsToldInOneLine() throws Exception {
    MinionCalls calls =
        new MinionCalls(cache, null, workers, Clock.systemUTC(), Duration.ofSeconds(1));
    secrets.sealed();

    SessionReply answer =
        SessionReply.parse(calls.handle(WEB1, ret(6, jid)).get(60, TimeUnit.SECONDS));

    assertThat(answer.isOk()).isFalse();
    assertThat(answer.error()).isEqualTo("the master failed: the job cache is sealed with the vault");
    secrets.unsealed(barrier);
    assertThat(cache.find(jid).orElseThrow().returns()).isEmpty();
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
