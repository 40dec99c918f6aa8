package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.wire.MessageType;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator API's long poll on a job's returns ({@code GET /v1/brine/jobs?jid=J&wait=..
 * &after=N}) on a real master with a protocol minion: it answers when the minion's return lands,
 * or at the wait's end, holds none of the API's 16 threads while it waits, and needs the same
 * policy as reading the job.
 */
class JobLongPollTest {
  @TempDir static Path dir;

  private static MasterDaemon master;
  private static ApiClient api;
  private static String root;
  private static TestMinion web1;
  private static long rid;

  @BeforeAll
  static void masterAndMinion() throws Exception {
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    master = started.daemon();
    api = started.client();
    root = started.initAndUnseal();
    RSAPublicKey masterKey = (RSAPublicKey) master.keys().masterKey().orElseThrow().getPublic();
    KeyPair keys = RsaKeys.generate(2048);
    try (TestMinion knock = TestMinion.connect(master.minionPort(), "web1", keys)) {
      assertThat(knock.hello(MasterTrust.pinned(masterKey))).isInstanceOf(Refused.class);
    }
    master.pki().accept(List.of(MinionId.of("web1")), false, false);
    web1 = TestMinion.connect(master.minionPort(), "web1", keys);
    assertThat(web1.hello(MasterTrust.pinned(masterKey))).isInstanceOf(Welcomed.class);
    TestMinion.awaitConnected(master.minionListener().connected(), "web1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (web1 != null) {
      web1.close();
    }
    if (master != null) {
      master.close();
    }
  }

  @Test
  void aLongPoll_answersWhenTheReturnLands_withTheReturn() throws Exception {
    String jid = publish();
    CompletableFuture<ApiClient.Reply> poll = poll(jid, "60s", 0, root);
    await(() -> master.returnWaiters().waiting() == 1, "the poll waits");
    assertThat(poll).isNotDone();

    assertThat(ret(jid)).contains("\"ok\":true");

    // Well before the 60 s wait is over: the return woke it.
    ApiClient.Reply reply = poll.get(20, TimeUnit.SECONDS);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.json().path("returns").path("web1").path("return").asBoolean()).isTrue();
    assertThat(reply.json().path("timeout").asInt()).isEqualTo(30);
    assertThat(master.returnWaiters().waiting()).isZero();
  }

  @Test
  void aLongPollPastWhatTheClientHasSeen_answersAtOnce_andOneWithNoNewReturn_atTheWaitsEnd()
      throws Exception {
    String jid = publish();
    assertThat(ret(jid)).contains("\"ok\":true");

    ApiClient.Reply seenNone = poll(jid, "60s", 0, root).get(20, TimeUnit.SECONDS);
    ApiClient.Reply seenOne = poll(jid, "300ms", 1, root).get(20, TimeUnit.SECONDS);

    assertThat(seenNone.status()).as(seenNone.text()).isEqualTo(200);
    assertThat(seenNone.json().path("returns").has("web1")).isTrue();
    assertThat(seenOne.status()).as(seenOne.text()).isEqualTo(200);
    assertThat(seenOne.json().path("returns").size()).isEqualTo(1);
  }

  @Test
  void manyLongPolls_holdNoApiThread_theApiStillAnswers_andAllAnswerAtTheReturn()
      throws Exception {
    String jid = publish();
    List<CompletableFuture<ApiClient.Reply>> polls = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // more than the API's 16 threads
      polls.add(poll(jid, "60s", 0, root));
    }
    await(() -> master.returnWaiters().waiting() == 20, "all 20 wait");

    ApiClient.Reply status = api.get("/v1/sys/seal-status");
    ApiClient.Reply jobs = api.get("/v1/brine/jobs?limit=1", root);

    assertThat(status.status()).isEqualTo(200);
    assertThat(jobs.status()).as(jobs.text()).isEqualTo(200);
    assertThat(ret(jid)).contains("\"ok\":true");
    for (CompletableFuture<ApiClient.Reply> poll : polls) {
      ApiClient.Reply reply = poll.get(20, TimeUnit.SECONDS);
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      assertThat(reply.json().path("returns").has("web1")).isTrue();
    }
  }

  @Test
  void aLongPoll_withoutReadOnTheJobs_isRefused_andWaitsForNothing() throws Exception {
    String jid = publish();
    String token = tokenWith("path \"brine/jobs\" { capabilities = [\"create\", \"list\"] }");

    ApiClient.Reply refused = poll(jid, "60s", 0, token).get(20, TimeUnit.SECONDS);
    ApiClient.Reply unknown = poll("20200101000000000000", "60s", 0, root).get(20, TimeUnit.SECONDS);
    ApiClient.Reply badAfter = api.get("/v1/brine/jobs?jid=" + jid + "&wait=1s&after=-1", root);

    assertThat(refused.status()).as(refused.text()).isEqualTo(403);
    assertThat(unknown.status()).as(unknown.text()).isEqualTo(404);
    assertThat(badAfter.status()).as(badAfter.text()).isEqualTo(400);
    assertThat(master.returnWaiters().waiting()).isZero();
  }

  @Test
  void aDryRun_answersTheMinionsTheTargetReaches_andPublishesNothing() throws Exception {
    int jobsBefore = master.jobCache().list().size();

    ApiClient.Reply dry =
        api.put("/v1/brine/jobs",
            Map.of("tgt", "web*", "fun", "test.ping", "dry_run", true), root);
    ApiClient.Reply none =
        api.put("/v1/brine/jobs",
            Map.of("tgt", "db*", "fun", "test.ping", "dry_run", true), root);
    String narrow =
        tokenWith("path \"brine/jobs\" { capabilities = [\"create\"]\n"
            + "  allowed_minions = [\"db*\"] }");
    ApiClient.Reply outside =
        api.put("/v1/brine/jobs",
            Map.of("tgt", "web*", "fun", "test.ping", "dry_run", true), narrow);

    assertThat(dry.status()).as(dry.text()).isEqualTo(200);
    assertThat(dry.json().path("minions").toString()).isEqualTo("[\"web1\"]");
    assertThat(dry.json().has("jid")).isFalse();
    assertThat(none.status()).isEqualTo(400);
    assertThat(outside.status()).as(outside.text()).isEqualTo(403);
    assertThat(master.jobCache().list().size()).isEqualTo(jobsBefore);
  }

  private static String publish() throws Exception {
    ApiClient.Reply published =
        api.put("/v1/brine/jobs", Map.of("tgt", "web1", "fun", "test.ping", "timeout", 30), root);
    assertThat(published.status()).as(published.text()).isEqualTo(200);
    // Read it off the connection, so that the reply to web1's return is the next frame.
    assertThat(web1.read().type()).isEqualTo(MessageType.PUBLISH);
    return published.json().path("jid").asText();
  }

  private static CompletableFuture<ApiClient.Reply> poll(
      String jid, String wait, int after, String token) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return api.get(
                "/v1/brine/jobs?jid=" + jid + "&wait=" + wait + "&after=" + after, token);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        runnable -> new Thread(runnable).start());
  }

  /** web1 returns {@code true} for {@code jid}; the master's reply. */
  private static synchronized String ret(String jid) throws Exception {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("rid", ++rid);
    call.put("kind", "return");
    call.put("jid", jid);
    call.put("fun", "test.ping");
    call.put("return", true);
    call.put("retcode", 0);
    call.put("success", true);
    return web1.request(ApiClient.toJson(call));
  }

  private static int counter;

  private static String tokenWith(String policy) throws Exception {
    String name = "poll-" + (++counter);
    ApiClient.Reply put = api.put("/v1/sys/policies/acl/" + name, Map.of("policy", policy), root);
    assertThat(put.status()).as(put.text()).isEqualTo(204);
    ApiClient.Reply created =
        api.put("/v1/auth/token/create", Map.of("policies", List.of(name), "ttl", "10m"), root);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return created.json().path("auth").path("client_token").asText();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as(what).isTrue();
      Thread.sleep(10);
    }
  }
}
