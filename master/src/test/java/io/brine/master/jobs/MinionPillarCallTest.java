package io.brine.master.jobs;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import static org.assertj.core.api.Assertions.assertThat;

import io.brine.common.log.LogLines;
import io.brine.master.audit.AuditBroker;
import io.brine.master.audit.AuditConfig;
import io.brine.master.grains.FileGrainStore;
import io.brine.master.ha.ClusterStatus;
import io.brine.master.pillar.MergeStrategy;
import io.brine.master.pillar.PillarCompiler;
import io.brine.master.pillar.PillarConfig;
import io.brine.master.pillar.SecretPolicies;
import io.brine.protocol.MinionId;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.VaultCore;
import io.brine.vault.storage.InMemoryStorage;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pillar} call: compiled on the workers for the session's minion with the grains the
 * master keeps for it, answered {@code {"pillar": {...}}}; an error while the vault is sealed.
 */
class MinionPillarCallTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId DB1 = MinionId.of("db1");

  @TempDir Path dir;

  private final ExecutorService workers =
      Executors.newFixedThreadPool(2, new DefaultThreadFactory("pillar-calls", true));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("pillar-timer", true));
  private JobCache cache;
  private VaultCore vault;
  private AuditBroker audit;
  private String rootToken;
  private MinionCalls calls;

  @BeforeEach
  void open() throws Exception {
    Path roots = Files.createDirectories(dir.resolve("pillar"));
    Files.writeString(
        roots.resolve("top.sls"),
        "base:\n  '*':\n    - common\n  'os:Debian':\n    - match: grain\n    - debian\n");
    Files.writeString(roots.resolve("common.sls"), "motd: hello {{ opts.id }}\n");
    Files.writeString(roots.resolve("debian.sls"), "pkg: apt\n");
    vault = VaultCore.builder(new InMemoryStorage()).build();
    audit =
        new AuditBroker(
            AuditConfig.DEFAULTS, vault::sealStatus, Clock.systemUTC(), new SecureRandom(), timer);
    vault.addListener(audit);
    InitResult init = vault.initialize(new InitRequest(1, 1, 0, 0));
    rootToken = init.rootToken();
    vault.submitUnsealKey(init.keys().get(0), false);
    cache =
        JobCache.open(
            dir.resolve("jobs"),
            100,
            Duration.ofHours(24),
            Clock.systemUTC(),
            RandomNonceAesGcm.create(AesGcmKey.generate()));
    PillarCompiler compiler =
        PillarCompiler.create(
            new PillarConfig(List.of(roots), MergeStrategy.SMART, false, SecretPolicies.NONE),
            vault,
            audit,
            ClusterStatus.SINGLE,
            timer);
    calls =
        new MinionCalls(
                cache,
                FileGrainStore.open(dir.resolve("grains")),
                null,
                null,
                workers,
                Clock.systemUTC())
            .pillarFrom(compiler);
  }

  @AfterEach
  void stop() {
    workers.shutdownNow();
    cache.close();
    vault.close();
    audit.close();
    timer.shutdownNow();
  }

  private SessionReply call(MinionId id, SessionCall call) throws Exception {
    return SessionReply.parse(calls.handle(id, call.toJson()).get(10, TimeUnit.SECONDS));
  }

  private SessionCall grains(String os) {
    SessionCall call = SessionCall.of(1, SessionCall.GRAINS);
    call.body().putObject("grains").put("os", os);
    return call;
  }

  @Test
  void thePillar_isCompiledForTheSessionsMinion_withTheGrainsTheMasterKeeps() throws Exception {
    assertThat(call(WEB1, grains("Debian")).isOk()).isTrue();
    assertThat(call(DB1, grains("RedHat")).isOk()).isTrue();
    SessionCall pillar = SessionCall.of(7, SessionCall.PILLAR);
    pillar.body().put("id", "db1"); // not the minion's to say: the session's id counts

    byte[] web = calls.handle(WEB1, pillar.toJson()).get(10, TimeUnit.SECONDS);
    SessionReply db = call(DB1, SessionCall.of(8, SessionCall.PILLAR));

    assertThat(new String(web, StandardCharsets.UTF_8))
        .isEqualTo("{\"rid\":7,\"ok\":true,\"pillar\":{\"motd\":\"hello web1\",\"pkg\":\"apt\"}}");
    assertThat(db.body().path("pillar").toString()).isEqualTo("{\"motd\":\"hello db1\"}");
  }

  @Test
  void aMinionThatSentNoGrains_getsThePillarOfNoGrains() throws Exception {
    SessionReply reply = call(WEB1, SessionCall.of(2, SessionCall.PILLAR));
    assertThat(reply.body().path("pillar").toString()).isEqualTo("{\"motd\":\"hello web1\"}");
  }

  @Test
  void aCallSession_mayAskForItsPillar() throws Exception {
    SessionReply reply =
        SessionReply.parse(
            calls
                .handleCallSession(WEB1, SessionCall.of(3, SessionCall.PILLAR).toJson())
                .get(10, TimeUnit.SECONDS));
    assertThat(reply.isOk()).isTrue();
    assertThat(reply.body().path("pillar").path("motd").asText()).isEqualTo("hello web1");
  }

  @Test
  void aSealedVault_isAnErrorReply_andOneWarnLine() throws Exception {
    vault.seal(rootToken);
    try (LogLines logged = LogLines.of(PillarCompiler.class)) {
      SessionReply reply = call(WEB1, SessionCall.of(4, SessionCall.PILLAR));
      assertThat(reply.isOk()).isFalse();
      assertThat(reply.error()).isEqualTo("pillar is unavailable: the master's vault is sealed");
      assertThat(logged.containing("WARN pillar refused: minion web1:")).hasSize(1);
    }
  }

  @Test
  void aMasterWithoutACompiler_answersAnError() throws Exception {
    MinionCalls none = new MinionCalls(cache, null, workers, Clock.systemUTC());
    SessionReply reply =
        SessionReply.parse(
            none.handle(WEB1, SessionCall.of(5, SessionCall.PILLAR).toJson())
                .get(10, TimeUnit.SECONDS));
    assertThat(reply.error()).isEqualTo("this master compiles no pillar");
  }

  @Test
  void callsWhileThatMinionsPillarIsBeingCompiled_shareTheOneCompile() throws Exception {
    java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    io.brine.master.grains.GrainStore slow =
        new io.brine.master.grains.GrainStore() {
          @Override
          public void put(MinionId id, byte[] json) {}

          @Override
          public void remove(MinionId id) {}

          @Override
          public Snapshot snapshot() {
            throw new UnsupportedOperationException("one minion's grains only");
          }

          @Override
          public Map<String, Object> grains(MinionId id) {
            // The compile starts by reading the grains: the first one waits here until the
            // flood below has come in.
            reads.incrementAndGet();
            reading.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Map.of("os", "Debian");
          }
        };
    MinionCalls flooded =
        new MinionCalls(cache, slow, null, null, workers, Clock.systemUTC())
            .pillarFrom(
                PillarCompiler.create(
                    new PillarConfig(
                        List.of(dir.resolve("pillar")), MergeStrategy.SMART, false,
                        SecretPolicies.NONE),
                    vault, audit, ClusterStatus.SINGLE, timer));
    List<java.util.concurrent.CompletableFuture<byte[]>> replies = new java.util.ArrayList<>();
    replies.add(flooded.handle(WEB1, SessionCall.of(100, SessionCall.PILLAR).toJson()));
    assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
    for (int rid = 101; rid < 120; rid++) {
      replies.add(flooded.handle(WEB1, SessionCall.of(rid, SessionCall.PILLAR).toJson()));
    }
    // The other worker takes each of them in turn and finds the compile under way; once it has
    // taken them all, only the first compile is still running (without the sharing, the second
    // worker would be stuck in a compile of its own and the calls still queued).
    java.util.concurrent.ThreadPoolExecutor pool = (java.util.concurrent.ThreadPoolExecutor) workers;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!(pool.getQueue().isEmpty() && pool.getActiveCount() == 1)
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    release.countDown();
    for (int i = 0; i < replies.size(); i++) {
      SessionReply reply = SessionReply.parse(replies.get(i).get(10, TimeUnit.SECONDS));
      assertThat(reply.rid()).isEqualTo(100 + i);
      assertThat(reply.body().path("pillar").path("pkg").asText()).isEqualTo("apt");
    }
    assertThat(reads).hasValue(1);
  }
}
