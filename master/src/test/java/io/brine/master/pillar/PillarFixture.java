package io.brine.master.pillar;

import io.brine.master.audit.AuditBroker;
import io.brine.master.audit.AuditConfig;
import io.brine.master.ha.ClusterStatus;
import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.VaultCore;
import io.brine.vault.storage.InMemoryStorage;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A real vault (in-memory storage, real barrier, KV engine and policy store) unsealed with its one
 * share, an audit broker with one file device, and pillar roots in a folder to write SLS into.
 */
final class PillarFixture implements AutoCloseable {
  final Path roots;
  final Path auditLog;
  final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("pillar-test", true));
  final VaultCore vault;
  final AuditBroker audit;
  final String rootToken;

  PillarFixture(Path dir) throws Exception {
    roots = Files.createDirectories(dir.resolve("pillar"));
    auditLog = dir.resolve("audit.log");
    AuditConfig config =
        new AuditConfig(
            false,
            false,
            List.of(
                new AuditConfig.Declared(
                    "file", "file", "", Map.of("file_path", auditLog.toString()))),
            1000,
            Duration.ofSeconds(60));
    vault = VaultCore.builder(new InMemoryStorage()).build();
    audit = new AuditBroker(config, vault::sealStatus, Clock.systemUTC(), new SecureRandom(), timer);
    vault.addListener(audit);
    InitResult init = vault.initialize(new InitRequest(1, 1, 0, 0));
    rootToken = init.rootToken();
    vault.submitUnsealKey(init.keys().get(0), false);
  }

  /** Writes {@code text} at {@code relative} under the pillar roots. */
  PillarFixture file(String relative, String text) throws IOException {
    Path file = roots.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return this;
  }

  PillarFixture secret(String path, Map<String, Object> data) throws Exception {
    vault.kv().write(path, data, OptionalInt.empty());
    return this;
  }

  PillarFixture policy(String name, String hcl) throws Exception {
    vault.policies().put(name, hcl);
    return this;
  }

  PillarCompiler compiler(MergeStrategy strategy, Map<String, List<String>> bindings) {
    return compiler(strategy, false, bindings, ClusterStatus.SINGLE);
  }

  PillarCompiler compiler(
      MergeStrategy strategy,
      boolean mergeLists,
      Map<String, List<String>> bindings,
      ClusterStatus cluster) {
    return PillarCompiler.create(
        new PillarConfig(List.of(roots), strategy, mergeLists, SecretPolicies.of(bindings)),
        vault,
        audit,
        cluster,
        timer);
  }

  String auditText() throws IOException {
    return Files.exists(auditLog) ? Files.readString(auditLog, StandardCharsets.UTF_8) : "";
  }

  @Override
  public void close() {
    vault.close();
    audit.close();
    timer.shutdownNow();
  }
}
