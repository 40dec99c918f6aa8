package io.brine.master.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.master.audit.AuditBroker;
import io.brine.master.audit.AuditConfig;
import io.brine.master.pki.AuthResult.Verdict;
import io.brine.protocol.MinionId;
import io.brine.vault.InitRequest;
import io.brine.vault.VaultCore;
import io.brine.vault.storage.InMemoryStorage;
import io.netty.util.concurrent.DefaultThreadFactory;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key decisions recorded in a real audit device before they are carried out. */
class KeyDecisionAuditTest {
  private static final MinionId WEB1 = MinionId.of("web1");

  @TempDir Path dir;

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("audit-test", true));
  private VaultCore vault;
  private AuditBroker broker;
  private Path log;

  @BeforeEach
  void unseal() throws Exception {
    log = dir.resolve("audit.log");
    AuditConfig config =
        new AuditConfig(false, false,
            List.of(new AuditConfig.Declared("file", "file", "", Map.of("file_path", log.toString()))),
            1000, Duration.ofSeconds(60));
    vault = VaultCore.builder(new InMemoryStorage()).build();
    broker = new AuditBroker(config, vault::sealStatus, Clock.systemUTC(), new SecureRandom(), timer);
    vault.addListener(broker);
    vault.submitUnsealKey(vault.initialize(new InitRequest(1, 1, 0, 0)).keys().get(0), false);
  }

  @AfterEach
  void close() {
    vault.close();
    broker.close();
    timer.shutdownNow();
  }

  private PkiDirectory pki(AcceptancePolicy policy) throws Exception {
    PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"), policy);
    pki.recordDecisionsIn(broker.keyDecisions());
    return pki;
  }

  private List<JsonNode> keyEvents() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      JsonNode e = new ObjectMapper().readTree(line);
      if (e.path("event").path("kind").asText().equals("minion_key")) {
        out.add(e.path("event"));
      }
    }
    return out;
  }

  @Test
  void autoAccept_writesAnEventWithTheFingerprint_beforeTheKeyIsAccepted() throws Exception {
    PkiDirectory pki = pki(AcceptancePolicy.of(true, null, null));
    assertThat(pki.authorize(WEB1, TestKeys.A).verdict()).isEqualTo(Verdict.ACCEPTED);
    List<JsonNode> events = keyEvents();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).path("decision").asText()).isEqualTo("auto_accept");
    assertThat(events.get(0).path("minion").asText()).isEqualTo("web1");
    assertThat(events.get(0).path("fingerprint").asText()).isEqualTo(Fingerprints.salt(TestKeys.A));
  }

  @Test
  void autoAccept_thatCannotBeRecorded_leavesTheKeyPending_andTheRetryAcceptsIt() throws Exception {
    PkiDirectory pki = pki(AcceptancePolicy.of(true, null, null));
    Files.delete(log); // the device now fails every entry
    assertThat(pki.authorize(WEB1, TestKeys.A).verdict()).isEqualTo(Verdict.PENDING);
    assertThat(pki.statuses(WEB1)).containsExactly(KeyStatus.PENDING);

    broker.reopen(); // the operator fixed it (SIGHUP)
    assertThat(pki.authorize(WEB1, TestKeys.A).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(keyEvents()).extracting(e -> e.path("decision").asText())
        .containsExactly("auto_accept");
  }

  @Test
  void autoreject_andASecondKeyDenied_areRecorded() throws Exception {
    Path rejectFile = dir.resolve("autoreject");
    Files.writeString(rejectFile, "bad*\n");
    PkiDirectory pki = pki(AcceptancePolicy.of(true, null, rejectFile));
    assertThat(pki.authorize(MinionId.of("bad1"), TestKeys.A).verdict()).isEqualTo(Verdict.REJECTED);
    pki.authorize(WEB1, TestKeys.A);
    assertThat(pki.authorize(WEB1, TestKeys.B).verdict()).isEqualTo(Verdict.DENIED);
    assertThat(keyEvents()).extracting(e -> e.path("decision").asText() + " " + e.path("minion").asText())
        .containsExactly("autoreject bad1", "auto_accept web1", "denied web1");
    assertThat(keyEvents().get(2).path("fingerprint").asText()).isEqualTo(Fingerprints.salt(TestKeys.B));
  }

  @Test
  void operatorDecisions_areRecorded_andRefusedWhenTheyCannotBe() throws Exception {
    PkiDirectory pki = pki(AcceptancePolicy.manual());
    pki.authorize(WEB1, TestKeys.A);
    pki.authorize(MinionId.of("web2"), TestKeys.B);
    KeyChanges accepted = pki.accept(List.of(WEB1), false, false);
    assertThat(accepted.changes()).hasSize(1);
    Files.delete(log);
    KeyChanges refused = pki.accept(List.of(MinionId.of("web2")), false, false);
    assertThat(refused.changes()).isEmpty();
    assertThat(refused.refused()).extracting(KeyChanges.Refusal::reason)
        .containsExactly(PkiDirectory.NOT_RECORDED);
    assertThat(pki.statuses(MinionId.of("web2"))).containsExactly(KeyStatus.PENDING);
    assertThat(pki.delete(List.of(WEB1)).changes()).isEmpty();
    assertThat(pki.statuses(WEB1)).containsExactly(KeyStatus.ACCEPTED);
  }

  @Test
  void imports_areOneEventPerKeyWritten_namingTheState_andNoneWhenTheDeviceFails()
      throws Exception {
    PkiDirectory pki = pki(AcceptancePolicy.manual());
    KeyImport done =
        pki.importKeys(
            List.of(
                new ImportedKey(WEB1, KeyStatus.ACCEPTED, TestKeys.A),
                new ImportedKey(MinionId.of("web2"), KeyStatus.REJECTED, TestKeys.B)),
            false);
    pki.importKeys(List.of(new ImportedKey(WEB1, KeyStatus.ACCEPTED, TestKeys.A)), false);
    assertThat(done.imported()).hasSize(2);
    assertThat(keyEvents())
        .extracting(
            e ->
                e.path("decision").asText()
                    + " "
                    + e.path("minion").asText()
                    + " "
                    + e.path("status").asText())
        .as("one event per key written; the unchanged one again is none")
        .containsExactly("import web1 accepted", "import web2 rejected");
    assertThat(keyEvents().get(0).path("fingerprint").asText())
        .isEqualTo(Fingerprints.salt(TestKeys.A));

    Files.delete(log);
    KeyImport refused =
        pki.importKeys(
            List.of(new ImportedKey(MinionId.of("web3"), KeyStatus.ACCEPTED, TestKeys.C)), false);
    assertThat(refused.imported()).isEmpty();
    assertThat(refused.conflicts())
        .extracting(KeyChanges.Refusal::reason)
        .containsExactly(PkiDirectory.NOT_RECORDED);
    assertThat(pki.statuses(MinionId.of("web3"))).isEmpty();
  }
}
