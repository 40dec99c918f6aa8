package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.crypto.rsa.RsaKeys;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import java.net.InetAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bounded tables that hold what strangers send: each stays within its bound. */
class StrangerLimitsTest {
  private static KeyPair keys;

  @BeforeAll
  static void keys() throws Exception {
    keys = RsaKeys.generate(2048);
  }

  private static Hello hello() throws Exception {
    return Hello.parse(
        MinionHandshake.start(MinionId.of("web1"), keys, MasterTrust.firstContact()).hello());
  }

  @Test
  void helloReplays_remembersForItsWindow_thenForgets() throws Exception {
    AtomicLong now = new AtomicLong();
    HelloReplays replays = new HelloReplays(Duration.ofMinutes(10), 1000, now::get);
    Hello recorded = hello();

    assertThat(replays.replayed(recorded)).isNull();
    now.addAndGet(Duration.ofMinutes(9).toNanos());
    assertThat(replays.replayed(recorded)).isEqualTo("nonce");
    // Seen again at 9 minutes: remembered 10 minutes from then.
    now.addAndGet(Duration.ofMinutes(9).toNanos());
    assertThat(replays.replayed(recorded)).isEqualTo("nonce");
    now.addAndGet(Duration.ofMinutes(11).toNanos());
    assertThat(replays.replayed(hello())).isNull(); // another HELLO; the old entry is gone
    assertThat(replays.size()).isEqualTo(1);
  }

  @Test
  void helloReplays_neverHoldsMoreThanItsCapacity() throws Exception {
    HelloReplays replays = new HelloReplays(Duration.ofMinutes(10), 50, System::nanoTime);
    Hello first = hello();
    replays.replayed(first);
    for (int i = 0; i < 60; i++) {
      assertThat(replays.replayed(hello())).isNull();
    }
    assertThat(replays.size()).isEqualTo(50);
    assertThat(replays.replayed(first)).as("the oldest went first").isNull();
  }

  @Test
  void newKeyRate_givesEachSourceItsBucket_andRefillsIt() throws Exception {
    AtomicLong now = new AtomicLong();
    NewKeyRate rate = new NewKeyRate(6, now::get);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    for (int i = 0; i < 6; i++) {
      assertThat(rate.tryTake(a)).isTrue();
    }
    assertThat(rate.tryTake(a)).isFalse();
    assertThat(rate.tryTake(b)).isTrue();
    now.addAndGet(Duration.ofSeconds(10).toNanos()); // one a minute / 6 = one per 10 s
    assertThat(rate.tryTake(a)).isTrue();
    assertThat(rate.tryTake(a)).isFalse();
  }

  @Test
  void newKeyRate_countsAnIpv6Slash64_asOneSource() throws Exception {
    NewKeyRate rate = new NewKeyRate(2, System::nanoTime);
    assertThat(rate.tryTake(InetAddress.getByName("2001:db8:1:2::1"))).isTrue();
    assertThat(rate.tryTake(InetAddress.getByName("2001:db8:1:2::ffff"))).isTrue();
    assertThat(rate.tryTake(InetAddress.getByName("2001:db8:1:2:aaaa::7"))).isFalse();
    assertThat(rate.tryTake(InetAddress.getByName("2001:db8:1:3::1"))).isTrue();
    assertThat(rate.sources()).isEqualTo(2);
  }

  @Test
  void newKeyRate_tableIsBounded_andFreesRefilledSources() throws Exception {
    AtomicLong now = new AtomicLong();
    NewKeyRate rate = new NewKeyRate(1, now::get);
    byte[] v4 = {10, 0, 0, 0};
    for (int i = 0; i < NewKeyRate.MAX_SOURCES; i++) {
      v4[1] = (byte) (i >> 16);
      v4[2] = (byte) (i >> 8);
      v4[3] = (byte) i;
      assertThat(rate.tryTake(InetAddress.getByAddress(v4))).isTrue();
    }
    InetAddress late = InetAddress.getByName("192.0.2.9");
    assertThat(rate.tryTake(late)).as("full, nothing refilled: refused").isFalse();
    assertThat(rate.sources()).isEqualTo(NewKeyRate.MAX_SOURCES);
    now.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(rate.tryTake(late)).isTrue();
    assertThat(rate.sources()).isEqualTo(1);
  }

  @Test
  void connectionLimits_fitTheCapToTheDescriptors_keepingTheReserve() {
    assertThat(ConnectionLimits.fitToDescriptors(100_000, OptionalLong.of(1024), 512))
        .isEqualTo(512);
    assertThat(ConnectionLimits.fitToDescriptors(500, OptionalLong.of(1024), 512)).isEqualTo(500);
    assertThat(ConnectionLimits.fitToDescriptors(500, OptionalLong.empty(), 512)).isEqualTo(500);
    assertThat(ConnectionLimits.fitToDescriptors(0, OptionalLong.of(100_000), 512))
        .isEqualTo(99_488);
    assertThat(ConnectionLimits.fitToDescriptors(0, OptionalLong.empty(), 512)).isEqualTo(100_000);
  }

  @Test
  void connectionLimits_countStrangersPerAddress_untilTheyAuthenticate() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ConnectionLimits limits = new ConnectionLimits(4, 2, 0, timer);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    assertThat(limits.admit(a)).isTrue();
    assertThat(limits.admit(a)).isTrue();
    assertThat(limits.admit(a)).as("third stranger from a").isFalse();
    limits.authenticated(a);
    assertThat(limits.admit(a)).as("one of a's proved itself").isTrue();
    assertThat(limits.admit(b)).isTrue();
    assertThat(limits.admit(b)).as("four in all").isFalse();
    limits.closed(b, false);
    assertThat(limits.open()).isEqualTo(3);
    assertThat(limits.unauthenticated(a)).isEqualTo(2);
    timer.shutdownNow();
  }

  /**
   * Found in review: a handshake decided just before its minion's removal (or a seal) swept the
   * connections was registered at its CONFIRM just after. The CONFIRM now checks for a removal
   * newer than its HELLO.
   */
  @Test
  void connectedMinions_sayWhetherAnIdWasRemovedSinceAHello() {
    ConnectedMinions connected = new ConnectedMinions();
    MinionId web1 = MinionId.of("web1");
    MinionId web2 = MinionId.of("web2");
    long atHello = connected.removals();
    assertThat(connected.removedSince(web1, atHello)).isFalse();

    connected.disconnect(web1, "its key was deleted");

    assertThat(connected.removedSince(web1, atHello)).isTrue();
    assertThat(connected.removedSince(web2, atHello)).as("another id").isFalse();
    long later = connected.removals();
    assertThat(connected.removedSince(web1, later)).as("a HELLO after the removal").isFalse();
    connected.disconnectAll("the vault sealed");
    assertThat(connected.removedSince(web2, later)).as("a seal removes everyone").isTrue();
  }
}
