package io.brine.master.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.VaultCore;
import io.brine.vault.VaultException;
import io.brine.vault.storage.InMemoryStorage;
import io.brine.vault.storage.Storage;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A real vault (in-memory physical storage, real barrier) with an audit broker listening, unsealed
 * with its one share. {@link #restart} builds a new vault and broker over the same storage, as a
 * master restart does.
 */
final class AuditFixture implements AutoCloseable {
  final Storage physical;
  final AuditConfig config;
  final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("audit-test", true));
  VaultCore vault;
  AuditBroker broker;
  String share;
  String rootToken;

  private AuditFixture(Storage physical, AuditConfig config) {
    this.physical = physical;
    this.config = config;
  }

  /** A device {@code file} at {@code file}, declared in the config, with these checkpoints. */
  static AuditConfig declared(Path file, int checkpointEvery) {
    return new AuditConfig(
        true,
        false,
        List.of(new AuditConfig.Declared("file", "file", "test", Map.of("file_path", file.toString()))),
        checkpointEvery,
        Duration.ofSeconds(60));
  }

  /** Built and listening, not yet initialized. */
  static AuditFixture sealed(AuditConfig config) {
    AuditFixture f = new AuditFixture(new InMemoryStorage(), config);
    f.build(false);
    return f;
  }

  static AuditFixture unsealed(AuditConfig config) throws VaultException {
    AuditFixture f = sealed(config);
    f.initAndUnseal();
    return f;
  }

  void initAndUnseal() throws VaultException {
    InitResult init = vault.initialize(new InitRequest(1, 1, 0, 0));
    share = init.keys().get(0);
    rootToken = init.rootToken();
    vault.submitUnsealKey(share, false);
  }

  private void build(boolean characterDevices) {
    vault = VaultCore.builder(physical).build();
    broker = new AuditBroker(config, vault::sealStatus, Clock.systemUTC(), new SecureRandom(), timer);
    broker.allowCharacterDevices = characterDevices;
    vault.addListener(broker);
  }

  /** Seals and closes, then a new vault and broker over the same storage, unsealed. */
  void restart() throws VaultException {
    vault.close();
    broker.close();
    build(broker.allowCharacterDevices);
    vault.submitUnsealKey(share, false);
  }

  /** A new vault and broker with {@code config} over {@code earlier}'s storage, unsealed. */
  static AuditFixture restartedWith(AuditFixture earlier, AuditConfig config) throws VaultException {
    AuditFixture f = new AuditFixture(earlier.physical, config);
    f.share = earlier.share;
    f.rootToken = earlier.rootToken;
    f.build(false);
    f.vault.submitUnsealKey(f.share, false);
    return f;
  }

  static AuditRecord request(String path, JsonNode data) {
    return new AuditRecord(
        UUID.randomUUID().toString(),
        "update",
        path,
        "127.0.0.1",
        50000,
        null,
        data,
        null,
        null,
        "s.faketoken000000000000000000000");
  }

  static ObjectNode object() {
    return EntryFormat.JSON.createObjectNode();
  }

  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  static List<JsonNode> entries(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines(file)) {
      out.add(EntryFormat.JSON.readTree(line));
    }
    return out;
  }

  @Override
  public void close() {
    vault.close();
    broker.close();
    timer.shutdownNow();
  }
}
