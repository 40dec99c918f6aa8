package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.LogLines;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.master.files.FileRoots;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master's answers to minions' calls, over a real job cache and real file roots in temp
 * folders: the returns issue 6 lists as bad input (not targeted, forged job id, a flood) and the
 * file server's reads.
 */
class MinionCallsTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId EVIL = MinionId.of("evil");

  @TempDir Path dir;

  private final ExecutorService workers = Executors.newFixedThreadPool(4);
  private JobCache cache;
  private MinionCalls calls;
  private String jid;

  @BeforeEach
  void cacheWithOneJob() throws Exception {
    cache =
        JobCache.open(
            dir.resolve("jobs"),
            100,
            Duration.ofHours(24),
            Clock.systemUTC(),
            RandomNonceAesGcm.create(AesGcmKey.generate()));
    Files.createDirectories(dir.resolve("srv"));
    Files.writeString(dir.resolve("srv/motd"), "hello from the master\n");
    calls =
        new MinionCalls(
            cache, FileRoots.of(List.of(dir.resolve("srv"))), workers, Clock.systemUTC());
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
  void stop() {
    workers.shutdownNow();
    cache.close();
  }

  private SessionReply call(MinionId id, SessionCall call) throws Exception {
    byte[] reply = calls.handle(id, call.toJson()).get(10, TimeUnit.SECONDS);
    return SessionReply.parse(reply);
  }

  private SessionReply callSession(MinionId id, SessionCall call) throws Exception {
    return SessionReply.parse(calls.handleCallSession(id, call.toJson()).get(10, TimeUnit.SECONDS));
  }

  private static SessionCall ret(long rid, String jid, Object value) {
    SessionCall call = SessionCall.of(rid, SessionCall.RETURN);
    call.body().put("jid", jid).put("fun", "test.ping").put("retcode", 0).put("success", true);
    call.body().set("return", JobJson.MAPPER.valueToTree(value));
    return call;
  }

  @Test
  void aReturn_isStoredUnderTheSessionsMinion_andAcknowledged() throws Exception {
    SessionReply reply = call(WEB1, ret(7, jid, true));

    assertThat(reply.isOk()).isTrue();
    assertThat(reply.rid()).isEqualTo(7);
    JobReturn stored = cache.find(jid).orElseThrow().returns().get(WEB1);
    assertThat(stored.ret()).isEqualTo(true);
    assertThat(stored.success()).isTrue();
    assertThat(cache.returnedCount(jid)).hasValue(1);
    assertThat(cache.returnedCount("20200101000000000000")).isEmpty();
    assertThat(cache.returnedCount("../x")).isEmpty();
  }

  @Test
  void aReturnTheDiskCannotTake_isAnsweredWithAnError_soTheMinionKeepsIt() throws Exception {
    Path log = dir.resolve("jobs").resolve(jid).resolve("returns.log");
    Files.delete(log);
    Files.createSymbolicLink(log, dir.resolve("elsewhere.log")); // never followed: write fails

    SessionReply reply = call(WEB1, ret(3, jid, true));

    assertThat(reply.isOk()).isFalse();
    assertThat(reply.rid()).isEqualTo(3);
    assertThat(reply.error()).startsWith("the master failed: ");
    assertThat(dir.resolve("elsewhere.log")).doesNotExist();
  }

  @Test
  void aReturnFromAMinionTheJobDidNotTarget_isRefused_andNotStored() throws Exception {
    SessionReply reply = call(EVIL, ret(1, jid, "forged"));

    assertThat(reply.isOk()).isFalse();
    assertThat(reply.error()).isEqualTo("job " + jid + " did not target evil");
    assertThat(cache.find(jid).orElseThrow().returns()).isEmpty();
  }

  @Test
  void aReturnWithAForgedOrUnknownJobId_isRefused() throws Exception {
    String unknown = "20200101000000000000";
    SessionReply forged = call(WEB1, ret(1, "../../etc/passwd", true));
    SessionReply missing = call(WEB1, ret(2, unknown, true));

    assertThat(forged.error()).isEqualTo("no such job");
    assertThat(missing.error()).isEqualTo("no such job");
    assertThat(dir.resolve("jobs").resolve(unknown)).doesNotExist();
  }

  @Test
  void aFloodOfTheSameReturn_isStoredOnce_andEveryCopyAcknowledged_withOneLogLine()
      throws Exception {
    try (LogLines logs = LogLines.of(MinionCalls.class)) {
      List<CompletableFuture<byte[]>> flood = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        flood.add(calls.handle(WEB1, ret(i, jid, "the output").toJson()));
      }

      for (CompletableFuture<byte[]> f : flood) {
        assertThat(SessionReply.parse(f.get(30, TimeUnit.SECONDS)).isOk()).isTrue();
      }
      assertThat(cache.find(jid).orElseThrow().returns()).hasSize(1);
      assertThat(logs.containing("sent its return again")).hasSize(1);
    }
  }

  @Test
  void aSecondDifferentReturn_isRefused_andLoggedOnce_andTheFirstIsKept() throws Exception {
    try (LogLines logs = LogLines.of(MinionCalls.class)) {
      assertThat(call(WEB1, ret(1, jid, "first run")).isOk()).isTrue();

      SessionReply second = call(WEB1, ret(2, jid, "second run"));
      SessionReply third = call(WEB1, ret(3, jid, "third run"));

      assertThat(second.isOk()).isFalse();
      assertThat(second.error())
          .isEqualTo("job " + jid + " already has a return from web1; a second one is refused");
      assertThat(third.isOk()).isFalse();
      assertThat(cache.find(jid).orElseThrow().returns().get(WEB1).ret()).isEqualTo("first run");
      assertThat(cache.returnedCount(jid)).hasValue(1);
      assertThat(logs.containing("sent a second, different return")).hasSize(1);
    }
  }

  @Test
  void aMalformedReturn_isAnsweredWithAnError_andAnUnparsableCallFailsTheConnection()
      throws Exception {
    SessionCall incomplete = SessionCall.of(3, SessionCall.RETURN);
    incomplete.body().put("jid", jid);

    SessionReply reply = call(WEB1, incomplete);
    CompletableFuture<byte[]> garbage =
        calls.handle(WEB1, "not json".getBytes(StandardCharsets.UTF_8));

    assertThat(reply.error()).contains("jid, fun, return, retcode and success");
    assertThat(garbage).isCompletedExceptionally();
    assertThat(garbage.handle((r, e) -> e)).succeedsWithin(Duration.ofSeconds(1))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void fileStatThenRead_servesTheFile_andRefusesTraversal() throws Exception {
    SessionCall stat = SessionCall.of(1, SessionCall.FILE_STAT);
    stat.body().put("path", "salt://motd");
    SessionCall read = SessionCall.of(2, SessionCall.FILE_READ);
    read.body().put("path", "salt://motd").put("offset", 0).put("length", 1 << 20);
    SessionCall escape = SessionCall.of(3, SessionCall.FILE_STAT);
    escape.body().put("path", "salt://../../etc/shadow");
    SessionCall unstated = SessionCall.of(4, SessionCall.FILE_READ);
    unstated.body().put("path", "salt://other").put("offset", 0).put("length", 10);

    SessionReply stated = call(WEB1, stat);
    SessionReply chunk = call(WEB1, read);

    assertThat(stated.body().path("size").asLong()).isEqualTo(22);
    assertThat(stated.body().path("sha256").asText()).hasSize(64);
    assertThat(new String(Base64.getDecoder().decode(chunk.body().path("data").asText()),
        StandardCharsets.UTF_8)).isEqualTo("hello from the master\n");
    assertThat(call(WEB1, escape).error()).contains("'..' is not allowed");
    assertThat(call(WEB1, unstated).error()).contains("file.stat salt://other first");
  }

  // Issue 14: an unpaired surrogate in the path threw out of the call and closed the session.
  @Test
  void aPathWithAnUnpairedSurrogate_isAnsweredWithAnError_andTheNextCallIsServed()
      throws Exception {
    byte[] stat =
        "{\"rid\":1,\"kind\":\"file.stat\",\"path\":\"salt://\\ud800\"}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] read =
        "{\"rid\":2,\"kind\":\"file.read\",\"path\":\"salt://\\udc00\",\"offset\":0,\"length\":9}"
            .getBytes(StandardCharsets.UTF_8);

    SessionReply stated = SessionReply.parse(calls.handle(WEB1, stat).get(10, TimeUnit.SECONDS));
    SessionReply chunk = SessionReply.parse(calls.handle(WEB1, read).get(10, TimeUnit.SECONDS));

    assertThat(stated.error()).startsWith("the path has an unpaired surrogate at position 8");
    assertThat(chunk.error()).isNotNull();
    SessionCall good = SessionCall.of(3, SessionCall.FILE_STAT);
    good.body().put("path", "salt://motd");
    assertThat(call(WEB1, good).body().path("size").asLong()).isEqualTo(22);
  }

  @Test
  void aPing_isAnsweredOk_withNothingElse_evenWhileTheWorkersAreBusy() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    for (int i = 0; i < 8; i++) {
      workers.execute(
          () -> {
            try {
              hold.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    try {
      byte[] reply =
          calls.handle(WEB1, SessionCall.of(12, SessionCall.PING).toJson()).get(2, TimeUnit.SECONDS);

      assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("{\"rid\":12,\"ok\":true}");
    } finally {
      hold.countDown();
    }
  }

  @Test
  void aCallSession_readsFilesAndPings_butSendsNoReturnNoGrainsAndReadsNoStagedFile()
      throws Exception {
    SessionCall stat = SessionCall.of(1, SessionCall.FILE_STAT);
    stat.body().put("path", "salt://motd");
    SessionCall read = SessionCall.of(2, SessionCall.FILE_READ);
    read.body().put("path", "salt://motd").put("offset", 0).put("length", 5);
    SessionCall grains = SessionCall.of(3, SessionCall.GRAINS);
    grains.body().putObject("grains").put("os", "Debian");
    SessionCall staged = SessionCall.of(4, SessionCall.FILE_STAT);
    staged.body().put("path", io.brine.master.cp.StagedFiles.SCHEME + "00112233");

    assertThat(callSession(WEB1, stat).body().path("size").asLong()).isEqualTo(22);
    assertThat(Base64.getDecoder().decode(callSession(WEB1, read).body().path("data").asText()))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("hello");
    assertThat(callSession(WEB1, SessionCall.of(5, SessionCall.PING)).isOk()).isTrue();
    try (LogLines logged = LogLines.of(MinionCalls.class)) {
      SessionReply ret = callSession(WEB1, ret(6, jid, true));
      assertThat(ret.error()).isEqualTo(
          "a call session (brine call) may only read the master's files and its pillar, not"
              + " 'return'");
      assertThat(callSession(WEB1, grains).error()).contains("not 'grains'");
      assertThat(callSession(WEB1, staged).error()).contains("not staged files");
      assertThat(logged.containing("call session of minion web1")).hasSize(3);
    }
    assertThat(cache.find(jid).orElseThrow().returns()).as("nothing stored").isEmpty();
  }

  @Test
  void anUnknownKind_isAnsweredWithAnError() throws Exception {
    ObjectNode body = JobJson.MAPPER.createObjectNode();
    SessionReply reply = call(WEB1, new SessionCall(9, "shell.exec", body));

    assertThat(reply.error()).isEqualTo("unknown request kind 'shell.exec'");
  }

  @Test
  void noFileRoots_meansNoFiles() throws Exception {
    MinionCalls noFiles = new MinionCalls(cache, null, workers, Clock.systemUTC());
    SessionCall stat = SessionCall.of(1, SessionCall.FILE_STAT);
    stat.body().put("path", "salt://motd");

    byte[] reply = noFiles.handle(WEB1, stat.toJson()).get(10, TimeUnit.SECONDS);

    assertThat(SessionReply.parse(reply).error()).contains("serves no files");
  }

}
