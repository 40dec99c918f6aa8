package io.brine.minion.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.common.log.LogLines;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.jobs.JidMemory;
import io.brine.minion.jobs.JobRunner;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.JobPublication;
import io.brine.protocol.job.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 part 2 on the minion, over TCP on loopback: a real minion daemon and a test master that
 * signs with its real key, so every publication here verifies and only the job layer's replay
 * checks stand between it and a shell. Each refused publication is one WARN line; none runs.
 */
class ReplayedPublicationTest {
  private static KeyPair masterKeys;

  @TempDir Path dir;

  private TestMaster master;
  private MinionDaemon minion;
  private int jids;

  @BeforeAll
  static void keys() throws Exception {
    masterKeys = RsaKeys.generate(2048);
  }

  @AfterEach
  void stop() {
    if (minion != null) {
      minion.close();
    }
    if (master != null) {
      master.close();
    }
  }

  @Test
  void aPublicationReceivedAgainAfterARestart_doesNotRunAgain() throws Exception {
    master = new TestMaster(masterKeys);
    start("");
    Path ran = dir.resolve("ran");
    byte[] job = job(Instant.now(), "echo ran >> " + ran);
    master.publish(job);
    await(() -> lines(ran) == 1);

    minion.close();
    start(""); // the same cachedir: the memory of what ran survives
    try (LogLines logs = LogLines.of(JobRunner.class)) {
      master.publish(job); // sealed afresh: the same signed plaintext as a recorded frame's
      master.publish(job);
      runMarker();

      assertThat(lines(ran)).as("the job ran once").isEqualTo(1);
      assertThat(logs.containing("refused job"))
          .containsExactly("WARN refused job " + jidOf(1) + ": it has already run here");
    }
  }

  @Test
  void aPublicationWithAForgedTime_signedByTheMastersKey_isRefused_pastOrFuture()
      throws Exception {
    master = new TestMaster(masterKeys);
    start("");
    Path stale = dir.resolve("stale");
    Path ahead = dir.resolve("ahead");
    try (LogLines logs = LogLines.of(JobRunner.class)) {
      master.publish(job(Instant.now().minus(Duration.ofMinutes(10)), "touch " + stale));
      master.publish(job(Instant.now().plus(Duration.ofMinutes(5)), "touch " + ahead));
      runMarker();

      assertThat(stale).doesNotExist();
      assertThat(ahead).doesNotExist();
      assertThat(logs.containing("refused job")).hasSize(2);
      assertThat(logs.containing("refused job " + jidOf(1) + ": it was published 600."))
          .singleElement()
          .asString()
          .endsWith("ago, longer than publish_max_age (300 s)");
      assertThat(logs.containing("refused job " + jidOf(2) + ": it was published 29"))
          .singleElement()
          .asString()
          .contains("ahead of this minion's clock, more than the 60 s allowed");
      assertThat(String.join("\n", logs.containing(""))).doesNotContain("touch");
    }
  }

  @Test
  void aPublicationReplayedAfterTheMemorysBound_isRefusedByItsAge() throws Exception {
    master = new TestMaster(masterKeys);
    start("publish_max_age: 1\n");
    Path ran = dir.resolve("ran");
    Instant published = Instant.now();
    byte[] job = job(published, "echo ran >> " + ran);
    master.publish(job);
    await(() -> lines(ran) == 1);
    // Bounded wait past the bound: from here on the jid may be forgotten.
    while (Instant.now().isBefore(published.plusMillis(1_500))) {
      Thread.sleep(50);
    }

    minion.close();
    start("publish_max_age: 1\n");
    Path memory = dir.resolve("cache").resolve(JidMemory.FILE);
    assertThat(Files.readString(memory)).as("forgotten at the restart").doesNotContain(jidOf(1));
    try (LogLines logs = LogLines.of(JobRunner.class)) {
      master.publish(job);
      runMarker();

      assertThat(lines(ran)).isEqualTo(1);
      assertThat(logs.containing("refused job " + jidOf(1)))
          .singleElement()
          .asString()
          .contains("ago, longer than publish_max_age (1 s)");
    }
  }

  /** Publishes a fresh job and waits until it has run: everything published before was handled. */
  private void runMarker() throws Exception {
    Path marker = dir.resolve("marker-" + (jids + 1));
    master.publish(job(Instant.now(), "touch " + marker));
    await(() -> Files.exists(marker));
  }

  private void start(String extra) throws Exception {
    Path file = dir.resolve("minion.yaml");
    Files.writeString(
        file,
        "master: 127.0.0.1\nmaster_port: "
            + master.port()
            + "\nid: web1\npki_dir: pki\n"
            + extra);
    minion = MinionDaemon.start(MinionConfig.load(file));
    minion.authenticated().get(10, TimeUnit.SECONDS);
  }

  private byte[] job(Instant published, String command) throws Exception {
    jids++;
    return new JobPublication(
            jidOf(jids),
            published,
            Target.of("glob", "web1"),
            "cmd.run",
            JobJson.MAPPER.createArrayNode().add(command),
            JobJson.MAPPER.createObjectNode(),
            Duration.ofSeconds(10))
        .toJson();
  }

  private static String jidOf(int i) {
    return String.format("20261123090000%06d", i);
  }

  private static long lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
