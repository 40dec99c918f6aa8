package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.jobs.JobPublisher;
import io.brine.master.jobs.JobRequest;
import io.brine.master.jobs.JobView;
import io.brine.master.jobs.shared.JobRedelivery;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.job.Target;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.publish.PublishEnvelope;
import io.brine.protocol.publish.PublishKeyring;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import io.brine.vault.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two masters of a cluster on a real PostgreSQL, real protocol minions over TCP: a job published
 * while minion web1 is connected to no master reaches it when it connects, on either master
 * ({@link JobRedelivery}), and is not handed again once returned, nor when it is past its
 * timeout; at most {@link JobRedelivery#MAX_JOBS} are. web2 stays connected to the standby
 * throughout, as a witness: once it has a job, the standby has handed that job on live, so what
 * web1 gets after that came from the look-up alone.
 */
class RedeliveryOnConnectTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static KeyPair web1Keys;
  private static KeyPair web2Keys;

  @TempDir Path dir;

  private MasterDaemon active;
  private MasterDaemon standby;
  private String token;
  private RSAPublicKey masterKey;
  private Receiver witness;

  @BeforeAll
  static void keys() throws Exception {
    web1Keys = RsaKeys.generate(2048);
    web2Keys = RsaKeys.generate(2048);
  }

  @BeforeEach
  void cluster() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    String storage =
        "  storage:\n"
            + "    type: postgresql\n"
            + "    connection_url: \"" + db.connectionUrl() + "\"\n"
            + "    ha_enabled: true\n";
    TestMaster.Started a =
        TestMaster.start(TestMaster.write(Files.createDirectories(dir.resolve("a")), storage));
    active = a.daemon();
    TestMaster.Started b =
        TestMaster.start(TestMaster.write(Files.createDirectories(dir.resolve("b")), storage));
    standby = b.daemon();
    JsonNode init =
        a.client().put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
    token = init.get("root_token").asText();
    String share = init.get("keys").get(0).asText();
    a.client().put("/v1/sys/unseal", ApiClient.key(share));
    await(() -> active.cluster().active(), "the first master is active");
    b.client().put("/v1/sys/unseal", ApiClient.key(share));
    await(() -> standby.keys().masterKey().isPresent(), "the standby has the master key");
    masterKey = (RSAPublicKey) active.keys().masterKey().orElseThrow().getPublic();
    for (var minion : List.of(Map.entry("web1", web1Keys), Map.entry("web2", web2Keys))) {
      try (TestMinion knock =
          TestMinion.connect(active.minionPort(), minion.getKey(), minion.getValue())) {
        assertThat(knock.hello(MasterTrust.pinned(masterKey))).isInstanceOf(Refused.class);
      }
      active.pki().accept(List.of(MinionId.of(minion.getKey())), false, false);
    }
    await(() -> accepted(standby, "web1") && accepted(standby, "web2"), "the standby sees the keys");
    witness = Receiver.connect(standby, "web2", web2Keys, masterKey);
  }

  @AfterEach
  void stop() throws Exception {
    if (witness != null) {
      witness.close();
    }
    if (standby != null) {
      standby.close();
    }
    if (active != null) {
      active.close();
    }
  }

  @Test
  void aJobPublishedWhileTheMinionWasOnNoMaster_reachesItOnce_andOnceReturnedIsNotSentAgain()
      throws Exception {
    String jid = publish(30);
    assertThat(witness.nextJid()).as("the standby handed it on live").isEqualTo(jid);

    try (Receiver web1 = Receiver.connect(standby, "web1", web1Keys, masterKey)) {
      assertThat(web1.nextJid()).as("handed again on connecting").isEqualTo(jid);
      assertThat(web1.ret(jid)).contains("\"ok\":true");
    }
    JobView view = active.jobCache().find(jid).orElseThrow();
    assertThat(view.returns()).containsOnlyKeys(MinionId.of("web1"));

    // web1 connects again, to the active master this time: the job is returned, so not sent.
    try (Receiver again = Receiver.connect(active, "web1", web1Keys, masterKey)) {
      String sentinel = publish(30);
      assertThat(again.nextJid()).as("the first frame is the new job").isEqualTo(sentinel);
    }
  }

  @Test
  void aJobPastItsTimeoutIsNotSent_andNoMoreThanSixteenAre_theNewest_inTheirOrder()
      throws Exception {
    String expired = publish(1);
    Instant published = Instant.now();
    // A bounded wait past its 1 s timeout (the database queued it before this line ran).
    while (Instant.now().isBefore(published.plusMillis(1_500))) {
      Thread.sleep(50);
    }
    String recent = publish(30);
    assertThat(witness.nextJid()).isEqualTo(expired);
    assertThat(witness.nextJid()).isEqualTo(recent);

    try (Receiver web1 = Receiver.connect(standby, "web1", web1Keys, masterKey)) {
      assertThat(web1.nextJid()).isEqualTo(recent);
      String sentinel = publish(30);
      assertThat(web1.nextJid()).as("nothing else was handed again").isEqualTo(sentinel);
      witness.nextJid();
    }

    List<String> twenty = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      twenty.add(publish(30));
    }
    for (String jid : twenty) {
      assertThat(witness.nextJid()).isEqualTo(jid);
    }
    try (Receiver web1 = Receiver.connect(standby, "web1", web1Keys, masterKey)) {
      List<String> handed = new ArrayList<>();
      for (int i = 0; i < JobRedelivery.MAX_JOBS; i++) {
        handed.add(web1.nextJid());
      }
      assertThat(handed).containsExactlyElementsOf(twenty.subList(4, 20));
      String sentinel = publish(30);
      assertThat(web1.nextJid()).as("no seventeenth").isEqualTo(sentinel);
    }
  }

  @Test
  void aMinionAcceptedWhileAJobIsBeingPublished_getsIt_thoughItsLookUpCameFirst() throws Exception {
    // The race the 3-master swarm found: web1's session is established after the publisher read
    // which minions are connected and before the job is recorded, so its look-up finds nothing;
    // the publisher's second read, once the job is recorded, must hand it the job. The admission
    // runs between the two, so the test places web1's whole connection there.
    List<Receiver> connected = new ArrayList<>();
    JobPublisher.Published published =
        active
            .publisher()
            .publish(
                new JobRequest(
                    Target.glob("web*"),
                    "test.ping",
                    JsonNodeFactory.instance.arrayNode(),
                    JsonNodeFactory.instance.objectNode(),
                    Duration.ofSeconds(30)),
                (jid, minions, missing) -> {
                  try {
                    connected.add(Receiver.connect(active, "web1", web1Keys, masterKey));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
    try (Receiver web1 = connected.get(0)) {
      assertThat(web1.nextJid()).isEqualTo(published.jid());
    }
  }

  /** Publishes {@code test.ping} to web* through the active master's API; returns its jid. */
  private String publish(int timeoutSeconds) throws Exception {
    ApiClient.Reply r =
        new ApiClient(active.apiUrl())
            .put(
                "/v1/brine/jobs",
                Map.of("tgt", "web*", "fun", "test.ping", "timeout", timeoutSeconds),
                token);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().get("jid").asText();
  }

  private static boolean accepted(MasterDaemon m, String id) {
    try {
      return m.pki().acceptedKeys().ids().contains(MinionId.of(id));
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as(what).isTrue();
      Thread.sleep(25);
    }
  }

  /** A protocol minion that opens each PUBLISH with the real minion code and can return. */
  private static final class Receiver implements AutoCloseable {
    private final TestMinion minion;
    private final PublishEnvelope.Opener opener;
    private final PublishKeyring keyring =
        new PublishKeyring(Clock.systemUTC(), Duration.ofHours(1));
    private long rid;

    private Receiver(TestMinion minion, RSAPublicKey masterKey) throws Exception {
      this.minion = minion;
      this.opener = PublishEnvelope.Opener.create(masterKey);
    }

    /**
     * Connects and establishes the session, and waits until the master's look-up for it has run:
     * whatever it handed is on its way by then.
     */
    static Receiver connect(MasterDaemon master, String id, KeyPair keys, RSAPublicKey masterKey)
        throws Exception {
      long before = master.jobRedelivery().lookups();
      TestMinion minion = TestMinion.connect(master.minionPort(), id, keys);
      Receiver r = new Receiver(minion, masterKey);
      Welcomed welcomed = (Welcomed) minion.hello(MasterTrust.pinned(masterKey));
      r.keyring.install(welcomed.publishKey());
      TestMinion.awaitConnected(master.minionListener().connected(), id);
      await(() -> master.jobRedelivery().lookups() > before, id + "'s look-up ran");
      return r;
    }

    /** The jid of the next frame, which must be a PUBLISH. */
    String nextJid() throws Exception {
      Frame frame = minion.read();
      assertThat(frame.type()).isEqualTo(MessageType.PUBLISH);
      String json = new String(opener.open(frame.body(), keyring), StandardCharsets.UTF_8);
      return ApiClient.JSON.readTree(json).get("jid").asText();
    }

    /** Returns {@code true} for {@code jid}; the master's reply. */
    String ret(String jid) throws Exception {
      Map<String, Object> call = new LinkedHashMap<>();
      call.put("rid", ++rid);
      call.put("kind", "return");
      call.put("jid", jid);
      call.put("fun", "test.ping");
      call.put("return", true);
      call.put("retcode", 0);
      call.put("success", true);
      return minion.request(ApiClient.toJson(call));
    }

    @Override
    public void close() throws IOException {
      minion.close();
    }
  }
}
