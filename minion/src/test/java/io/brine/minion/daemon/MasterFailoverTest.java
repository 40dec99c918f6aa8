package io.brine.minion.daemon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.brine.common.log.LogLines;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.minion.config.MasterAddress;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.daemon.MinionDaemon.State;
import io.brine.minion.daemon.TestMaster.Answer;
import io.brine.minion.jobs.JobRunner;
import io.brine.minion.keys.MasterKeyPin;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.JobPublication;
import io.brine.protocol.job.Target;
import io.brine.protocol.publish.PublishKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A minion with several masters (Salt's {@code master: [...]}, {@code master_type: failover}),
 * against real-protocol test masters over TCP on loopback: one connection, moved on when its
 * master refuses, closes, answers SEALED, fails the pin or falls silent.
 */
class MasterFailoverTest {
  private static KeyPair masterKeys;
  private static KeyPair otherKeys;

  /** The masters of a brine cluster share one publish key (and one master key). */
  private final PublishKey clusterKey = new PublishKey(7, AesGcmKey.generate());

  @TempDir Path dir;

  private final List<TestMaster> masters = new ArrayList<>();
  private MinionDaemon minion;

  @BeforeAll
  static void keys() throws Exception {
    masterKeys = RsaKeys.generate(2048);
    otherKeys = RsaKeys.generate(2048);
  }

  @AfterEach
  void stop() {
    if (minion != null) {
      minion.close();
    }
    masters.forEach(TestMaster::close);
  }

  @Test
  void firstMastersPortClosed_connectsToTheSecond_withOneLineNamingBoth() throws Exception {
    int closed = freePort();
    TestMaster second = master(masterKeys);
    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      minion = MinionDaemon.start(config(List.of(closed, second.port()), ""));

      minion.authenticated().get(10, TimeUnit.SECONDS);

      assertThat(minion.currentMaster()).isEqualTo(local(second.port()));
      assertThat(lines.containing("trying master " + local(second.port())))
          .singleElement()
          .asString()
          .startsWith("WARN master " + local(closed) + " is unreachable (");
      assertThat(lines.containing("one connection, failing over in this order")).hasSize(1);
    }
  }

  @Test
  void everyMasterDown_backsOffAfterTheRound_andConnectsOnceOneListens() throws Exception {
    int first = freePort();
    int second = freePort();
    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      minion = MinionDaemon.start(config(List.of(first, second), ""));

      await(() -> !lines.containing("(every master tried) in ").isEmpty());
      assertThat(minion.state()).isEqualTo(State.CONNECTING);
      assertThat(lines.containing("WARN master " + local(second) + " is unreachable"))
          .singleElement()
          .asString()
          .contains("trying master " + local(first) + " (every master tried) in 1");

      master(masterKeys, second, false);
      minion.authenticated().get(15, TimeUnit.SECONDS);
      assertThat(minion.currentMaster()).isEqualTo(local(second));
      assertThat(lines.containing("WARN master " + local(first) + " is unreachable"))
          .as("a repeated move is not logged again at WARN")
          .hasSize(1);
    }
  }

  @Test
  void masterItIsOnCloses_movesToTheNext_atOnce() throws Exception {
    TestMaster first = master(masterKeys);
    TestMaster second = master(masterKeys);
    minion = MinionDaemon.start(config(List.of(first.port(), second.port()), ""));
    minion.authenticated().get(10, TimeUnit.SECONDS);
    assertThat(minion.currentMaster()).isEqualTo(local(first.port()));

    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      long before = System.nanoTime();
      first.close(); // a master that dies: its connections close, its port refuses

      await(() -> second.welcomes() == 1 && minion.state() == State.AUTHENTICATED);
      assertThat(Duration.ofNanos(System.nanoTime() - before))
          .as("no backoff within a round")
          .isLessThan(Duration.ofSeconds(8));
      assertThat(minion.currentMaster()).isEqualTo(local(second.port()));
      assertThat(minion.sessionsStarted()).isEqualTo(2);
      assertThat(
              lines.containing(
                  "lost the connection to master " + local(first.port()) + "; trying master "
                      + local(second.port())))
          .hasSize(1);
    }
    second.publish("a job from the second master".getBytes(UTF_8));
    await(() -> minion.publicationsOpened() == 1);
  }

  @Test
  void sealedMaster_isLeftForTheNext() throws Exception {
    TestMaster sealed = master(masterKeys, Answer.SEALED);
    TestMaster unsealed = master(masterKeys);
    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      minion = MinionDaemon.start(config(List.of(sealed.port(), unsealed.port()), ""));

      minion.authenticated().get(10, TimeUnit.SECONDS);

      assertThat(minion.currentMaster()).isEqualTo(local(unsealed.port()));
      assertThat(sealed.hellos()).isEqualTo(1);
      assertThat(sealed.welcomes()).isZero();
      assertThat(pin().pinned()).contains((RSAPublicKey) masterKeys.getPublic());
      assertThat(
              lines.containing(
                  "master " + local(sealed.port()) + " is sealed; trying master "
                      + local(unsealed.port())))
          .hasSize(1);
    }
  }

  @Test
  void masterWithAnotherKey_isRefused_andTheNextIsTried_andThePinIsKept() throws Exception {
    pin().acceptOrRefuse((RSAPublicKey) masterKeys.getPublic());
    byte[] pinned = Files.readAllBytes(pin().file());
    TestMaster impostor = master(otherKeys, 0, true);
    TestMaster real = master(masterKeys);
    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      minion = MinionDaemon.start(config(List.of(impostor.port(), real.port()), ""));

      minion.authenticated().get(10, TimeUnit.SECONDS);

      assertThat(minion.currentMaster()).isEqualTo(local(real.port()));
      assertThat(impostor.welcomes()).isEqualTo(1);
      assertThat(impostor.confirms()).as("no session with the impostor").isZero();
      assertThat(Files.readAllBytes(pin().file())).isEqualTo(pinned);
      assertThat(lines.containing("ERROR refusing master " + local(impostor.port()))).hasSize(1);
      assertThat(
              lines.containing(
                  "master " + local(impostor.port()) + " failed the handshake's checks; trying"
                      + " master " + local(real.port())))
          .hasSize(1);
    }
  }

  @Test
  void masterThatAcceptsButNeverAnswersTheHello_isLeftAfterMasterAliveInterval() throws Exception {
    TestMaster stopped = master(masterKeys);
    stopped.pause(); // accepts TCP (the kernel does), reads and writes nothing
    TestMaster live = master(masterKeys);
    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      long before = System.nanoTime();
      minion =
          MinionDaemon.start(
              config(List.of(stopped.port(), live.port()), "master_alive_interval: 1\n"));

      minion.authenticated().get(10, TimeUnit.SECONDS);

      assertThat(Duration.ofNanos(System.nanoTime() - before))
          .as("not before the interval")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(minion.currentMaster()).isEqualTo(local(live.port()));
      assertThat(stopped.connectionsAccepted()).isEqualTo(1);
      assertThat(stopped.hellos()).isZero();
      assertThat(
              lines.containing(
                  "master " + local(stopped.port()) + " sent nothing in 1 s; trying master "
                      + local(live.port())))
          .hasSize(1);
    }
  }

  @Test
  void quietMaster_isPingedAndKept_butOnceSilent_isLeftAfterMasterAliveInterval()
      throws Exception {
    TestMaster first = master(masterKeys);
    TestMaster second = master(masterKeys);
    minion =
        MinionDaemon.start(
            config(List.of(first.port(), second.port()), "master_alive_interval: 1\n"));
    minion.authenticated().get(10, TimeUnit.SECONDS);

    // No job, no traffic: the minion asks for signs of life and stays while they come.
    await(() -> first.pings() >= 3);
    assertThat(minion.currentMaster()).isEqualTo(local(first.port()));
    assertThat(minion.sessionsStarted()).isEqualTo(1);
    assertThat(second.connectionsAccepted()).isZero();

    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      first.pause(); // as SIGSTOP, or a cut cable: no FIN, the connection just goes quiet
      long paused = System.nanoTime();

      await(() -> second.welcomes() == 1 && minion.state() == State.AUTHENTICATED);
      assertThat(Duration.ofNanos(System.nanoTime() - paused))
          .as("left within the interval (plus the second's handshake)")
          .isLessThan(Duration.ofSeconds(8));
      assertThat(
              lines.containing(
                  "master " + local(first.port()) + " sent nothing in 1 s; trying master "
                      + local(second.port())))
          .hasSize(1);
    }
  }

  @Test
  void oneSilentMaster_isReconnected_afterMasterAliveInterval() throws Exception {
    TestMaster only = master(masterKeys);
    minion = MinionDaemon.start(config(List.of(only.port()), "master_alive_interval: 1\n"));
    minion.authenticated().get(10, TimeUnit.SECONDS);

    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      only.pause();

      await(() -> !lines.containing("sent nothing in 1 s; retrying in").isEmpty());
      await(() -> only.connectionsAccepted() >= 2);
      assertThat(lines.containing("master " + local(only.port()) + " sent nothing")).isNotEmpty();
    }
  }

  @Test
  void randomMaster_shufflesTheListOnce_withTheInjectedRandom() throws Exception {
    List<TestMaster> three = List.of(master(masterKeys), master(masterKeys), master(masterKeys));
    List<MasterAddress> listed =
        three.stream().map(m -> local(m.port())).collect(Collectors.toList());
    long seed = 0;
    List<MasterAddress> shuffled;
    do { // the first seed whose shuffle puts another master first: a shuffle that shows
      shuffled = new ArrayList<>(listed);
      Collections.shuffle(shuffled, new Random(++seed));
    } while (shuffled.get(0).equals(listed.get(0)));
    MasterAddress expected = shuffled.get(0);

    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      minion =
          MinionDaemon.start(
              config(three.stream().map(TestMaster::port).toList(), "random_master: true\n"),
              null,
              new Random(seed));
      minion.authenticated().get(10, TimeUnit.SECONDS);

      assertThat(minion.currentMaster()).isEqualTo(expected);
      for (TestMaster m : three) {
        assertThat(m.connectionsAccepted())
            .as("master %s", m.port())
            .isEqualTo(local(m.port()).equals(expected) ? 1 : 0);
      }
      assertThat(lines.containing("masters " + shuffled.stream().map(Object::toString)
              .collect(Collectors.joining(", ")) + " (shuffled: random_master)"))
          .hasSize(1);
    }
  }

  @Test
  void failback_returnsToTheFirstMaster_onceItAnswers_andNotWhileItIsSealed() throws Exception {
    int firstPort = freePort();
    TestMaster second = master(masterKeys);
    minion =
        MinionDaemon.start(
            config(
                List.of(firstPort, second.port()),
                "master_failback: true\nmaster_failback_interval: 1\n"));
    minion.authenticated().get(10, TimeUnit.SECONDS);
    assertThat(minion.currentMaster()).isEqualTo(local(second.port()));

    // Back, but sealed twice: the minion tries it and stays where it is, its session untouched.
    TestMaster first = master(masterKeys, firstPort, false, Answer.SEALED, Answer.SEALED);
    try (LogLines lines = LogLines.of(MinionDaemon.class)) {
      await(() -> first.hellos() >= 2);
      assertThat(minion.currentMaster()).isEqualTo(local(second.port()));
      assertThat(minion.sessionsStarted()).isEqualTo(1);
      assertThat(second.openConnections()).isEqualTo(1);

      await(
          () ->
              first.welcomes() == 1
                  && minion.currentMaster().equals(local(firstPort))
                  && minion.state() == State.AUTHENTICATED);
      await(() -> second.openConnections() == 0 && first.confirms() == 1);
      assertThat(minion.sessionsStarted()).isEqualTo(2);
      assertThat(
              lines.containing(
                  "master " + local(firstPort) + " answers again: leaving master "
                      + local(second.port())))
          .hasSize(1);
    }
    first.publish("a job from the first master".getBytes(UTF_8));
    await(() -> minion.publicationsOpened() == 1);
    Thread.sleep(1500); // a failback interval: once on the first, no more probes
    assertThat(first.connectionsAccepted()).isEqualTo(3);
  }

  /**
   * A cluster's master that a minion fails over to hands it the recent jobs it has not returned,
   * one of which it may have run already on the master that died: that one does not run again,
   * and the master gets its return once (the return the dead master never acknowledged).
   */
  @Test
  void aJobHandedAgainByTheNextMaster_afterItRanOnTheFirst_runsOnce_andReturnsOnce()
      throws Exception {
    TestMaster first = master(masterKeys); // dies before it acknowledges the return
    TestMaster second = master(masterKeys);
    second.acknowledgeReturns(true);
    minion = MinionDaemon.start(config(List.of(first.port(), second.port()), ""));
    minion.authenticated().get(10, TimeUnit.SECONDS);
    Path ran = dir.resolve("ran");
    String jid = "20261123090000000001";
    byte[] job = job(jid, "echo ran >> " + ran);
    first.publish(job);
    await(() -> first.returns().contains(jid));

    first.close();
    await(() -> second.welcomes() == 1 && minion.state() == State.AUTHENTICATED);
    try (LogLines logs = LogLines.of(JobRunner.class)) {
      second.publish(job); // the same signed publication, as a re-delivery sends it

      await(() -> !logs.containing("refused job " + jid).isEmpty());
      assertThat(logs.containing("refused job " + jid))
          .containsExactly("WARN refused job " + jid + ": it has already run here");
    }
    await(() -> second.returns().contains(jid));
    String marker = "20261123090000000002";
    second.publish(job(marker, "true"));
    await(() -> second.returns().contains(marker)); // everything before it was handled

    assertThat(Files.readAllLines(ran)).as("the job ran once").hasSize(1);
    assertThat(second.returns()).as("one return of the job").containsExactly(jid, marker);
  }

  private static byte[] job(String jid, String command) throws Exception {
    return new JobPublication(
            jid,
            Instant.now(),
            Target.of("glob", "web1"),
            "cmd.run",
            JobJson.MAPPER.createArrayNode().add(command),
            JobJson.MAPPER.createObjectNode(),
            Duration.ofSeconds(10))
        .toJson();
  }

  private TestMaster master(KeyPair keys, Answer... answers) throws Exception {
    return master(keys, 0, false, answers);
  }

  private TestMaster master(KeyPair keys, int port, boolean stripToken, Answer... answers)
      throws Exception {
    TestMaster m = new TestMaster(keys, port, stripToken, answers);
    m.usePublishKey(clusterKey);
    masters.add(m);
    return m;
  }

  private static MasterAddress local(int port) {
    return new MasterAddress("127.0.0.1", port);
  }

  /** A loopback port nothing listens on (bound once, then closed). */
  private static int freePort() throws Exception {
    try (TestMaster probe = new TestMaster(masterKeys)) {
      return probe.port();
    }
  }

  private MasterKeyPin pin() {
    return new MasterKeyPin(dir.resolve("pki/minion"), null);
  }

  private MinionConfig config(List<Integer> ports, String extra) throws Exception {
    Path file = dir.resolve("minion.yaml");
    String list =
        ports.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
    Files.writeString(
        file,
        "master: ["
            + list
            + "]\nmaster_type: failover\nid: web1\npki_dir: pki\nacceptance_wait_time: 1\n"
            + extra);
    return MinionConfig.load(file);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15 s");
      }
      Thread.sleep(20);
    }
  }
}
