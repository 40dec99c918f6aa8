package io.brine.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.Cli;
import io.brine.master.audit.AuditBroker;
import io.brine.master.audit.AuditConfig;
import io.brine.master.audit.AuditEvent;
import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.VaultCore;
import io.brine.vault.storage.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brine audit verify} on a file a real device wrote, as a user runs it. */
class AuditVerifyCommandTest {
  @TempDir Path dir;

  private Path log;
  private Path key;
  private String head;

  @BeforeEach
  void write() throws Exception {
    log = dir.resolve("audit.log");
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    VaultCore vault = VaultCore.builder(new InMemoryStorage()).build();
    AuditConfig config =
        new AuditConfig(false, false,
            List.of(new AuditConfig.Declared("file", "file", "", Map.of("file_path", log.toString()))),
            4, Duration.ofSeconds(60));
    AuditBroker broker =
        new AuditBroker(config, vault::sealStatus, Clock.systemUTC(), new SecureRandom(), timer);
    vault.addListener(broker);
    try {
      InitResult init = vault.initialize(new InitRequest(1, 1, 0, 0));
      vault.submitUnsealKey(init.keys().get(0), false);
      for (int i = 0; i < 10; i++) {
        broker.event(AuditEvent.job("acc", "ops", "web*", "glob", List.of("web1"), "test.ping",
            "2026010100000000000" + i));
      }
      key = dir.resolve("checkpoint.pem");
      Files.writeString(key, broker.checkpointKey().publicKeyPem());
      vault.seal(init.rootToken());
    } finally {
      vault.close();
      broker.close();
      timer.shutdownNow();
    }
    List<String> lines = Files.readAllLines(log);
    head = lines.get(lines.size() - 1);
  }

  @Test
  void holds_exit0() {
    Cli.Result r = new Cli().run("audit", "verify", "--public-key", key.toString(), log.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("chain holds: ");
  }

  @Test
  void deletedEntry_exit1_withItsLine() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(2);
    Path t = dir.resolve("t.log");
    Files.write(t, lines, StandardCharsets.UTF_8);
    Cli.Result r = new Cli().run("audit", "verify", "--public-key", key.toString(), t.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out().strip()).isEqualTo(t + ":3: seq 4 follows seq 2: 1 entry deleted");
  }

  @Test
  void cutBeforeTheHead_exit1() throws Exception {
    List<String> lines = Files.readAllLines(log);
    Path t = dir.resolve("t.log");
    Files.write(t, lines.subList(0, 5), StandardCharsets.UTF_8);
    Cli.Result r =
        new Cli().run("audit", "verify", "--public-key", key.toString(), "--head", head, t.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out().strip())
        .isEqualTo(t + ": ends at seq 5, before the master's latest checkpoint at seq " + lines.size()
            + ": entries were cut");
  }

  @Test
  void usageErrorsAndUnreadableFiles_exit2() {
    Cli.Result none = new Cli().run("audit", "verify");
    assertThat(none.exitCode()).isEqualTo(2);
    Cli.Result missing = new Cli().run("audit", "verify", dir.resolve("nope.log").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err().strip()).isEqualTo("Error: cannot read " + dir.resolve("nope.log"));
    Cli.Result badKey = new Cli().run("audit", "verify", "--public-key", "xyz", log.toString());
    assertThat(badKey.exitCode()).isEqualTo(2);
    assertThat(badKey.err().strip())
        .isEqualTo("Error: --public-key: the key is not an Ed25519 public key");
  }
}
