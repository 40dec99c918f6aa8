package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.publish.PublishEnvelope;
import io.brine.protocol.publish.PublishKeyring;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An accepted key removed while its minion is connected, on a real master daemon over loopback:
 * through the operator API, and behind the master's back (the file removed or replaced on disk, as
 * an offline {@code brine key -d} does). The removed minion holds the publish key of its last
 * WELCOME; every job sealed after the removal must be under a later epoch, which the test reads
 * from the clear header of each PUBLISH another minion receives (docs/protocol.md §4: epoch u32).
 */
class KeyRemovalTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static KeyPair web1Keys;
  private static KeyPair web2Keys;
  private static KeyPair otherKeys;

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    web1Keys = RsaKeys.generate(2048);
    web2Keys = RsaKeys.generate(2048);
    otherKeys = RsaKeys.generate(2048);
  }

  @Test
  void deleteThroughTheApi_answersAfterTheRotation_andNoJobSealedAfterItUsesTheRemovedEpoch()
      throws Exception {
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion web1 = TestMinion.connect(master.minionPort(), "web1", web1Keys);
        TestMinion web2 = TestMinion.connect(master.minionPort(), "web2", web2Keys)) {
      ApiClient api = started.client();
      String token = initAndUnseal(api);
      int removedEpoch = acceptBoth(master, api, token, web1, web2).publishKey().epoch();
      try (Observer seen = Observer.start(master, web2)) {
        // A second client publishes the whole time, so some of its jobs race the removal.
        List<JsonNode> racing = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread publisher =
            new Thread(
                () -> {
                  ApiClient other = started.client();
                  while (!stop.get()) {
                    try {
                      racing.add(publish(other, token));
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }
                });
        publisher.start();
        await(() -> racing.size() >= 3, "the racing publisher runs");

        JsonNode deleted =
            api.put("/v1/brine/keys/delete", Map.of("ids", List.of("web1")), token).json();
        int epochAtAnswer = master.publishKeys().current().epoch();
        JsonNode after = publish(api, token);
        int racedBefore = racing.size();
        await(() -> racing.size() >= racedBefore + 3, "racing jobs after the answer");
        stop.set(true);
        publisher.join(WAIT.toMillis());

        assertThat(ids(after)).containsExactly("web2");
        assertThat(seen.epochOf(after, WAIT)).isGreaterThan(removedEpoch);
        int resolvedAfterRemoval = 0;
        for (JsonNode job : racing) {
          int epoch = seen.epochOf(job, WAIT);
          if (!ids(job).contains("web1")) {
            resolvedAfterRemoval++;
            assertThat(epoch).as("job %s, published after web1 went", jid(job))
                .isGreaterThan(removedEpoch);
          }
        }
        assertThat(resolvedAfterRemoval).as("racing jobs published after the removal").isPositive();
        assertThat(deleted.get("rotated").asBoolean()).isTrue();
        assertThat(epochAtAnswer).as("rotated before the answer").isGreaterThan(removedEpoch);
        assertThat(web1.closedByMaster(WAIT)).isTrue();
      }
    }
  }

  @Test
  void keyFileRemovedOnDisk_theNextJobIsSealedUnderANewEpoch_andTheMinionIsDisconnected()
      throws Exception {
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion web1 = TestMinion.connect(master.minionPort(), "web1", web1Keys);
        TestMinion web2 = TestMinion.connect(master.minionPort(), "web2", web2Keys)) {
      ApiClient api = started.client();
      String token = initAndUnseal(api);
      int removedEpoch = acceptBoth(master, api, token, web1, web2).publishKey().epoch();
      try (Observer seen = Observer.start(master, web2)) {

        Files.delete(keyFile("web1")); // what `brine key -d web1` does without a master
        JsonNode job = publish(api, token); // at once: the watch may not have looked yet

        assertThat(ids(job)).containsExactly("web2");
        assertThat(seen.epochOf(job, WAIT)).isGreaterThan(removedEpoch);
        assertThat(web1.closedByMaster(WAIT)).isTrue();
        assertThat(master.publishKeys().current().epoch()).isGreaterThan(removedEpoch);
      }
    }
  }

  @Test
  void keyFileRemovedOrReplacedOnDisk_withNoJob_disconnectsTheMinion_andRotates()
      throws Exception {
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion web1 = TestMinion.connect(master.minionPort(), "web1", web1Keys);
        TestMinion web2 = TestMinion.connect(master.minionPort(), "web2", web2Keys)) {
      ApiClient api = started.client();
      String token = initAndUnseal(api);
      int before = acceptBoth(master, api, token, web1, web2).publishKey().epoch();

      Files.delete(keyFile("web1"));

      assertThat(web1.closedByMaster(WAIT)).as("web1 disconnected").isTrue();
      await(() -> master.publishKeys().current().epoch() > before, "rotated");
      int afterRemoval = master.publishKeys().current().epoch();

      // Another key put in web2's place, atomically, as `brine key -a --include-denied` would.
      Path temp = dir.resolve("replacement");
      Files.writeString(temp, Pem.writePublicKey((RSAPublicKey) otherKeys.getPublic()));
      Files.move(temp, keyFile("web2"), StandardCopyOption.ATOMIC_MOVE);

      assertThat(web2.closedByMaster(WAIT)).as("web2 disconnected").isTrue();
      await(() -> master.publishKeys().current().epoch() > afterRemoval, "rotated again");
    }
  }

  private Path keyFile(String id) {
    return dir.resolve("pki/master/minions").resolve(id);
  }

  /** Both minions knock, are accepted, and are welcomed; returns web1's WELCOME. */
  private static Welcomed acceptBoth(
      MasterDaemon master, ApiClient api, String token, TestMinion web1, TestMinion web2)
      throws Exception {
    web1.hello(MasterTrust.firstContact());
    web2.hello(MasterTrust.firstContact());
    api.put("/v1/brine/keys/accept", Map.of("ids", List.of("web1", "web2")), token);
    Welcomed welcomed = (Welcomed) web1.hello(MasterTrust.firstContact());
    web2.hello(MasterTrust.firstContact());
    assertThat(welcomed.publishKey().epoch()).isEqualTo(master.publishKeys().current().epoch());
    return welcomed;
  }

  private static JsonNode publish(ApiClient api, String token) throws Exception {
    ApiClient.Reply reply =
        api.put("/v1/brine/jobs", Map.of("tgt", "*", "fun", "test.ping"), token);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json();
  }

  private static String jid(JsonNode job) {
    return job.get("jid").asText();
  }

  private static List<String> ids(JsonNode job) {
    List<String> ids = new ArrayList<>();
    job.get("minions").forEach(id -> ids.add(id.asText()));
    return ids;
  }

  /**
   * Reads every frame web2 receives: opens each PUBLISH with the real minion code to learn its jid,
   * records the epoch from its header, and answers each REAUTH with a HELLO (collecting the
   * publications that arrive before the WELCOME).
   */
  private static final class Observer implements AutoCloseable {
    private final TestMinion minion;
    private final MasterTrust trust;
    private final PublishEnvelope.Opener opener;
    private final PublishKeyring keyring = new PublishKeyring(Clock.systemUTC(), Duration.ofHours(1));
    private final Map<String, Integer> epochs = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile Exception failure;

    private Observer(TestMinion minion, RSAPublicKey masterKey, Welcomed welcomed)
        throws Exception {
      this.minion = minion;
      this.trust = MasterTrust.pinned(masterKey);
      this.opener = PublishEnvelope.Opener.create(masterKey);
      keyring.install(welcomed.publishKey());
      this.thread = new Thread(this::run, "observer");
      thread.setDaemon(true);
    }

    /** {@code minion} is welcomed; its next HELLO re-authenticates with the pinned key. */
    static Observer start(MasterDaemon master, TestMinion minion) throws Exception {
      RSAPublicKey masterKey = (RSAPublicKey) master.keys().masterKey().orElseThrow().getPublic();
      Welcomed welcomed = (Welcomed) minion.hello(MasterTrust.pinned(masterKey));
      Observer o = new Observer(minion, masterKey, welcomed);
      o.thread.start();
      return o;
    }

    private void run() {
      try {
        while (true) {
          Frame frame = minion.read();
          if (frame.type() == MessageType.PUBLISH) {
            record(frame);
          } else if (frame.type() == MessageType.REAUTH) {
            Welcomed welcomed = (Welcomed) minion.hello(trust, this::record);
            keyring.install(welcomed.publishKey());
          }
        }
      } catch (Exception e) {
        failure = e; // closed at the end of the test, or a real failure the assertions show
      }
    }

    private void record(Frame publish) {
      int epoch = ByteBuffer.wrap(publish.body()).getInt();
      try {
        String json = new String(opener.open(publish.body(), keyring), StandardCharsets.UTF_8);
        epochs.put(ApiClient.JSON.readTree(json).get("jid").asText(), epoch);
      } catch (Exception e) {
        throw new IllegalStateException("a PUBLISH under epoch " + epoch + " did not open", e);
      }
    }

    /** The epoch of {@code job}'s PUBLISH, waiting for it to arrive. */
    int epochOf(JsonNode job, Duration within) throws InterruptedException {
      String jid = jid(job);
      await(() -> epochs.containsKey(jid) || !thread.isAlive(), "job " + jid + " received");
      assertThat(epochs).as("job %s received (observer: %s)", jid, failure).containsKey(jid);
      return epochs.get(jid);
    }

    @Override
    public void close() throws IOException {
      minion.close();
      try {
        thread.join(WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits for something the master does in the background; a liveness bound, not a timing. */
  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  /** @return the root token */
  private static String initAndUnseal(ApiClient api) throws Exception {
    JsonNode init =
        api.put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
    JsonNode done = api.put("/v1/sys/unseal", Map.of("key", init.get("keys").get(0).asText())).json();
    assertThat(done.get("sealed").asBoolean()).as(done.toString()).isFalse();
    return init.get("root_token").asText();
  }
}
