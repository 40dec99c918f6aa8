package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.config.MasterConfig;
import io.brine.master.jobs.JobCache;
import io.brine.master.jobs.JobPublisher;
import io.brine.master.jobs.JobRecord;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.JobPublication;
import io.brine.protocol.job.Target;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job another master of a cluster queued, handed on here ({@link JobPublisher#deliver}) over a
 * real listener to real protocol minions: it reaches only the minions the publishing master
 * admitted, whatever the target matches by the time it arrives.
 */
class QueuedJobDeliveryTest {
  private static KeyPair master;
  private static KeyPair web1;
  private static KeyPair web2;

  @TempDir Path dir;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private PublishKeyRotator rotator;
  private MinionListener listener;
  private JobCache cache;

  @BeforeAll
  static void keys() throws Exception {
    master = RsaKeys.generate(2048);
    web1 = RsaKeys.generate(2048);
    web2 = RsaKeys.generate(2048);
  }

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.close();
    }
    if (rotator != null) {
      rotator.close();
    }
    if (cache != null) {
      cache.close();
    }
    timer.shutdownNow();
  }

  @Test
  void aQueuedJob_reachesOnlyTheMinionsItsPublisherAdmitted_notAKeyAcceptedSince()
      throws Exception {
    PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"));
    rotator = new PublishKeyRotator(Duration.ofHours(1), Duration.ofSeconds(5), timer);
    rotator.start();
    MasterConfig.Minions config =
        new MasterConfig.Minions(
            "127.0.0.1",
            0,
            Duration.ofHours(1),
            Duration.ofSeconds(1),
            MasterConfig.Minions.DEFAULT_MAX_FRAME_BYTES,
            2,
            16,
            MasterConfig.Admission.DEFAULTS);
    listener =
        MinionListener.start(
            config,
            () -> Optional.of(master),
            pki,
            rotator,
            (id, request) -> CompletableFuture.completedFuture(new byte[0]));
    cache =
        JobCache.open(
            dir.resolve("jobs"),
            100,
            Duration.ofHours(1),
            Clock.systemUTC(),
            RandomNonceAesGcm.create(AesGcmKey.generate()));
    JobPublisher publisher =
        new JobPublisher(epoch -> Optional.of(master), pki, listener, cache, Clock.systemUTC());
    MasterTrust trust = MasterTrust.pinned((RSAPublicKey) master.getPublic());
    try (TestMinion m1 = TestMinion.connect(listener.port(), "web1", web1);
        TestMinion m2 = TestMinion.connect(listener.port(), "web2", web2)) {
      assertThat(m1.hello(trust)).isInstanceOf(Refused.class);
      assertThat(m2.hello(trust)).isInstanceOf(Refused.class);
      pki.accept(List.of(MinionId.of("web1")), false, false);
      // The publishing master resolved web* when only web1 was accepted, and recorded that.
      String jid = "20260101000000000001";
      cache.create(
          new JobRecord(
              jid, "test.ping", List.of(), Map.of(), "web*", "glob",
              List.of(MinionId.of("web1")), List.of(), Instant.now()));
      // web2's key is accepted before the job reaches this master.
      pki.accept(List.of(MinionId.of("web2")), false, false);
      assertThat(m1.hello(trust)).isInstanceOf(Welcomed.class);
      assertThat(m2.hello(trust)).isInstanceOf(Welcomed.class);
      TestMinion.awaitConnected(listener.connected(), "web1");
      TestMinion.awaitConnected(listener.connected(), "web2");
      JobPublication publication =
          new JobPublication(
              jid,
              Instant.now(),
              Target.glob("web*"),
              "test.ping",
              JobJson.MAPPER.createArrayNode(),
              JobJson.MAPPER.createObjectNode(),
              Duration.ofSeconds(5));

      publisher.deliver(jid, publication.toJson());

      assertThat(m1.read().type()).as("web1, admitted, gets it").isEqualTo(MessageType.PUBLISH);
      assertThat(nextFrameWithin(m2, Duration.ofSeconds(2)))
          .as("web2 was not admitted when the job was published")
          .isEmpty();
    }
  }

  private static Optional<Frame> nextFrameWithin(TestMinion m, Duration within) throws Exception {
    m.readTimeout(within);
    try {
      return Optional.of(m.read());
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
  }
}
