package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.wire.MessageType;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandshakesTest {
  private static final long WAIT_S = 10;

  @TempDir Path dir;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Handshakes handshakes;

  @AfterEach
  void close() {
    if (handshakes != null) {
      handshakes.close();
    }
    timer.shutdownNow();
  }

  @Test
  void aHelloNobodyWaitsFor_anyMore_isSkipped_beforeAnyRsaWorkOrKeyFile() throws Exception {
    KeyPair master = RsaKeys.generate(2048);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"));
    PublishKeyRotator rotator =
        new PublishKeyRotator(Duration.ofHours(1), Duration.ofSeconds(5), timer);
    rotator.start();
    handshakes =
        new Handshakes(
            () -> {
              busy.countDown();
              try {
                release.await(WAIT_S, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Optional.of(master);
            },
            pki,
            rotator,
            1,
            16,
            16);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Handshakes.Submitted first = handshakes.submit(hello("web1"), loopback, () -> true);
    assertThat(busy.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    AtomicBoolean open = new AtomicBoolean(true);
    Handshakes.Submitted queued = handshakes.submit(hello("web2"), loopback, open::get);

    open.set(false); // its connection closed while the one thread was busy with web1
    release.countDown();

    assertThat(first.answer().get(WAIT_S, TimeUnit.SECONDS).type())
        .isEqualTo(MessageType.PENDING);
    assertThatThrownBy(() -> queued.answer().get(WAIT_S, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CancellationException.class);
    assertThat(handshakes.abandoned()).isEqualTo(1);
    assertThat(handshakes.pending()).as("both released their place").isZero();
    assertThat(pki.root().resolve("minions_pre").resolve("web1")).exists();
    assertThat(pki.root().resolve("minions_pre").resolve("web2"))
        .as("nothing decided for a minion that left")
        .doesNotExist();
  }

  private static Hello hello(String id) throws Exception {
    return Hello.parse(
        MinionHandshake.start(MinionId.of(id), RsaKeys.generate(2048), MasterTrust.firstContact())
            .hello());
  }
}
