package io.brine.master.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.InitRequest;
import io.brine.vault.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker and its file devices over a real vault and real files. */
class AuditBrokerTest {
  @TempDir Path dir;

  private Path log() {
    return dir.resolve("audit.log");
  }

  @Test
  void requestEntry_hmacsEveryStringRecursively_numbersAndBooleansInClear() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      ObjectNode data = AuditFixture.object();
      data.put("fun", "cmd.run");
      data.put("timeout", 60);
      data.put("force", true);
      data.putNull("nothing");
      ObjectNode nested = data.putObject("kwarg");
      nested.put("cmd", "rm -rf /tmp/x");
      nested.putArray("list").add("a").add(7);
      f.broker.request(AuditFixture.request("brine/jobs", data));

      JsonNode entry = lastOfType(log(), "request");
      JsonNode logged = entry.path("request").path("data");
      String salted = f.broker.hash("file", "cmd.run");
      assertThat(salted).startsWith("hmac-sha256:").hasSize(12 + 64);
      assertThat(logged.path("fun").asText()).isEqualTo(salted);
      assertThat(logged.path("timeout").isInt()).isTrue();
      assertThat(logged.path("timeout").asInt()).isEqualTo(60);
      assertThat(logged.path("force").isBoolean()).isTrue();
      assertThat(logged.path("nothing").isNull()).isTrue();
      assertThat(logged.path("kwarg").path("cmd").asText())
          .isEqualTo(f.broker.hash("file", "rm -rf /tmp/x"));
      assertThat(logged.path("kwarg").path("list").get(0).asText())
          .isEqualTo(f.broker.hash("file", "a"));
      assertThat(logged.path("kwarg").path("list").get(1).asInt()).isEqualTo(7);
      assertThat(entry.path("request").path("client_token").asText())
          .isEqualTo(f.broker.hash("file", "s.faketoken000000000000000000000"));
      assertThat(entry.path("request").path("path").asText()).isEqualTo("brine/jobs");
      assertThat(entry.path("request").path("operation").asText()).isEqualTo("update");
      assertThat(entry.path("request").path("remote_address").asText()).isEqualTo("127.0.0.1");
      assertThat(entry.path("time").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
      assertThat(entry.path("prev").asText()).hasSize(64);
      assertThat(Files.readString(log())).doesNotContain("cmd.run").doesNotContain("faketoken");
    }
  }

  @Test
  void authObject_hasOpenBaosFields_andTheAccessorHmacd() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      AuditAuth auth =
          new AuditAuth(
              "acc123",
              "token-ops",
              List.of("default", "ops"),
              List.of("ops"),
              Map.of("team", "a"),
              new AuditAuth.PolicyResults(true, List.of("ops")),
              Instant.parse("2026-01-02T03:04:05Z"),
              3600,
              2);
      AuditRecord r =
          new AuditRecord("id-1", "read", "brine/keys", "10.0.0.5", 51514, auth, null,
              AuditFixture.object().put("keys", "x"), null, "s.tok");
      f.broker.response(r);

      JsonNode e = lastOfType(log(), "response");
      JsonNode a = e.path("auth");
      assertThat(a.path("client_token").asText()).isEqualTo(f.broker.hash("file", "s.tok"));
      assertThat(a.path("accessor").asText()).isEqualTo(f.broker.hash("file", "acc123"));
      assertThat(a.path("display_name").asText()).isEqualTo("token-ops");
      assertThat(a.path("policies").toString()).isEqualTo("[\"default\",\"ops\"]");
      assertThat(a.path("token_policies").toString()).isEqualTo("[\"ops\"]");
      assertThat(a.path("metadata").path("team").asText()).isEqualTo("a");
      assertThat(a.path("policy_results").toString())
          .isEqualTo(
              "{\"allowed\":true,\"granting_policies\":[{\"name\":\"ops\",\"type\":\"acl\"}]}");
      assertThat(a.path("token_ttl").asLong()).isEqualTo(3600);
      assertThat(a.path("token_issue_time").asText()).isEqualTo("2026-01-02T03:04:05.000000000Z");
      assertThat(a.path("remaining_uses").asInt()).isEqualTo(2);
      assertThat(e.path("request").path("client_token_accessor").asText())
          .isEqualTo(f.broker.hash("file", "acc123"));
      assertThat(e.path("request").path("remote_port").asInt()).isEqualTo(51514);
      assertThat(e.path("response").path("data").path("keys").asText())
          .isEqualTo(f.broker.hash("file", "x"));
    }
  }

  @Test
  void hmacAccessorFalse_writesTheAccessorInClear() throws Exception {
    AuditConfig config =
        new AuditConfig(true, false, List.of(new AuditConfig.Declared("file", "file", "",
            Map.of("file_path", log().toString(), "hmac_accessor", "false"))), 1000,
            Duration.ofSeconds(60));
    try (AuditFixture f = AuditFixture.unsealed(config)) {
      f.broker.event(AuditEvent.job("acc9", "ops", "web*", "glob", List.of("web1"), "test.ping",
          "20260101000000000001"));
      JsonNode e = lastOfType(log(), "event").path("event");
      assertThat(e.path("kind").asText()).isEqualTo("job");
      assertThat(e.path("accessor").asText()).isEqualTo("acc9");
      assertThat(e.path("minions").toString()).isEqualTo("[\"web1\"]");
      assertThat(e.path("fun").asText()).isEqualTo("test.ping");
    }
  }

  @Test
  void whileSealed_entriesWait_thenAreWrittenInOrderAtUnseal_andTheShareNeverIs()
      throws Exception {
    AuditConfig config =
        new AuditConfig(true, false, List.of(new AuditConfig.Declared("raw", "file", "",
            Map.of("file_path", log().toString(), "log_raw", "true"))), 1000,
            Duration.ofSeconds(60));
    try (AuditFixture f = AuditFixture.sealed(config)) {
      String share = f.vault.initialize(new InitRequest(1, 1, 0, 0)).keys().get(0);
      ObjectNode body = AuditFixture.object();
      body.put("key", share);
      body.put("reset", false);
      AuditRecord unseal = AuditFixture.request("sys/unseal", body);
      f.broker.request(unseal); // sealed: waits in memory, returns at once
      assertThat(log()).doesNotExist();

      f.vault.submitUnsealKey(share, false);
      ObjectNode answer =
          AuditFixture.object().put("sealed", false).put("progress", 0).put("t", 1).put("n", 1);
      answer.putArray("keys").add(share);
      f.broker.response(
          new AuditRecord(unseal.requestId(), "update", "sys/unseal", null, 0, null, body, answer,
              null, null));

      List<JsonNode> entries = AuditFixture.entries(log());
      assertThat(entries.get(0).path("type").asText()).isEqualTo("request");
      assertThat(entries.get(0).path("request").path("path").asText()).isEqualTo("sys/unseal");
      assertThat(entries.get(0).path("request").path("data").has("key")).isFalse();
      assertThat(entries.get(0).path("request").path("data").path("reset").asBoolean()).isFalse();
      assertThat(entries.get(0).path("seq").asLong()).isEqualTo(1);
      assertThat(entries.get(0).path("prev").asText()).isEqualTo(AuditChain.GENESIS);
      assertThat(entries.get(1).path("event").path("kind").asText()).isEqualTo("unseal");
      assertThat(entries.get(1).path("event").path("sealed").asBoolean()).isFalse();
      JsonNode response = lastOfType(log(), "response");
      assertThat(response.path("response").path("data").has("keys")).isFalse();
      assertThat(response.path("response").path("data").path("sealed").asBoolean()).isFalse();
      assertThat(Files.readString(log())).doesNotContain(share);
    }
  }

  @Test
  void sealedBuffer_overflowIsCountedAndRecordedAsOneEvent() throws Exception {
    try (AuditFixture f = AuditFixture.sealed(AuditFixture.declared(log(), 100_000))) {
      for (int i = 0; i < AuditBroker.MAX_BUFFERED + 5; i++) {
        f.broker.request(AuditFixture.request("sys/unseal", AuditFixture.object().put("n", i)));
      }
      f.initAndUnseal();
      f.broker.request(AuditFixture.request("brine/keys", null)); // queued after the flushed ones
      List<JsonNode> entries = AuditFixture.entries(log());
      assertThat(entries.subList(0, AuditBroker.MAX_BUFFERED))
          .allMatch(e -> e.path("type").asText().equals("request"));
      assertThat(entries.get(999).path("request").path("data").path("n").asInt()).isEqualTo(999);
      JsonNode overflow = entries.get(AuditBroker.MAX_BUFFERED);
      assertThat(overflow.path("event").path("kind").asText()).isEqualTo("buffer_overflow");
      assertThat(overflow.path("event").path("lost_entries").asLong()).isEqualTo(5);
    }
  }

  @Test
  void groupCommit_manyThreads_everyEntryDurableAndChained() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 100))) {
      int threads = 16;
      int each = 60;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < each; i++) {
                    f.broker.request(
                        AuditFixture.request(
                            "brine/jobs", AuditFixture.object().put("thread", thread).put("i", i)));
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> d : done) {
        d.get();
      }
      pool.shutdown();
      // Every call returned only once its line was fsync'd: all are in the file, none lost.
      List<JsonNode> entries = AuditFixture.entries(log());
      long requests = entries.stream().filter(e -> e.path("type").asText().equals("request")).count();
      assertThat(requests).isEqualTo((long) threads * each);
      for (int t = 0; t < threads; t++) {
        int thread = t;
        assertThat(entries.stream().filter(e ->
            e.path("request").path("data").path("thread").asInt(-1) == thread)).hasSize(each);
      }
      AuditVerifier.Report report = AuditVerifier.verify(List.of(log()), pinned(f), null);
      assertThat(report.holds()).as(report.lines().toString()).isTrue();
      long checkpoints =
          entries.stream().filter(e -> e.path("type").asText().equals("checkpoint")).count();
      assertThat(checkpoints).isGreaterThanOrEqualTo(threads * each / 100 / 2);
    }
  }

  @Test
  void checkpoints_everyNEntries_andAtSeal_signedWithTheServedKey() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 10))) {
      for (int i = 0; i < 25; i++) {
        f.broker.request(AuditFixture.request("brine/keys", null));
      }
      byte[] key = pinned(f);
      JsonNode latest = f.broker.latestCheckpoint("file/").orElseThrow();
      assertThat(latest.path("checkpoint").path("covers_seq").asLong())
          .isEqualTo(latest.path("seq").asLong() - 1);
      assertThat(latest.path("checkpoint").path("key_id").asText())
          .isEqualTo(f.broker.checkpointKey().keyId());
      f.vault.seal(f.rootToken);
      List<JsonNode> entries = AuditFixture.entries(log());
      JsonNode last = entries.get(entries.size() - 1);
      assertThat(last.path("type").asText()).isEqualTo("checkpoint");
      assertThat(entries.get(entries.size() - 2).path("event").path("kind").asText())
          .isEqualTo("seal");
      long count =
          entries.stream().filter(e -> e.path("type").asText().equals("checkpoint")).count();
      assertThat(count).isGreaterThanOrEqualTo(3);
      AuditVerifier.Report report = AuditVerifier.verify(List.of(log()), key, null);
      assertThat(report.lines()).last().asString().startsWith("chain holds: ");
      assertThat(report.lines()).noneMatch(l -> l.startsWith("warning"));
    }
  }

  @Test
  void restart_continuesTheSeqAndTheChain() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      f.broker.request(AuditFixture.request("brine/keys", null));
      int before = AuditFixture.entries(log()).size();
      f.restart();
      f.broker.request(AuditFixture.request("brine/keys", null));
      List<JsonNode> entries = AuditFixture.entries(log());
      assertThat(entries.size()).isGreaterThan(before + 1);
      for (int i = 0; i < entries.size(); i++) {
        assertThat(entries.get(i).path("seq").asLong()).isEqualTo(i + 1);
      }
      AuditVerifier.Report report = AuditVerifier.verify(List.of(log()), pinned(f), null);
      assertThat(report.holds()).as(report.lines().toString()).isTrue();
    }
  }

  @Test
  void partialLastLine_fromACrash_isCutAtOpen_andSaidSo_theChainHolds() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      f.broker.request(AuditFixture.request("brine/keys", null));
      f.vault.close();
      f.broker.close();
      // What kill -9 in the middle of a write leaves: a line without its end.
      String partial = "{\"time\":\"2026-01-01T00:00:00.0Z\",\"type\":\"requ";
      Files.writeString(log(), partial, java.nio.file.StandardOpenOption.APPEND);
      AuditFixture again = AuditFixture.restartedWith(f, f.config);
      try {
        // Queued after the device's own event: once this returns, that one is durable too.
        again.broker.request(AuditFixture.request("brine/keys", null));
        List<JsonNode> entries = AuditFixture.entries(log());
        JsonNode torn = entries.stream()
            .filter(e -> e.path("event").path("kind").asText().equals("torn_tail_removed"))
            .findFirst().orElseThrow();
        assertThat(torn.path("event").path("discarded_bytes").asLong()).isEqualTo(partial.length());
        AuditVerifier.Report r = AuditVerifier.verify(List.of(log()), pinned(again), null);
        assertThat(r.holds()).as(r.lines().toString()).isTrue();
      } finally {
        again.close();
      }
    }
  }

  @Test
  void reopen_afterLogrotateMovedTheFile_continuesTheChainInTheNewFile() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      f.broker.request(AuditFixture.request("brine/keys", null));
      Path rotated = dir.resolve("audit.log.1");
      Files.move(log(), rotated);
      f.broker.reopen(); // what SIGHUP does
      f.broker.request(AuditFixture.request("brine/keys", null));
      List<JsonNode> old = AuditFixture.entries(rotated);
      List<String> oldLines = AuditFixture.lines(rotated);
      JsonNode first = AuditFixture.entries(log()).get(0);
      assertThat(first.path("seq").asLong())
          .isEqualTo(old.get(old.size() - 1).path("seq").asLong() + 1);
      assertThat(first.path("prev").asText())
          .isEqualTo(
              AuditChain.hash(oldLines.get(oldLines.size() - 1).getBytes(StandardCharsets.UTF_8)));
      AuditVerifier.Report report = AuditVerifier.verify(List.of(rotated, log()), pinned(f), null);
      assertThat(report.holds()).as(report.lines().toString()).isTrue();
    }
  }

  @Test
  void deletedAuditFile_refusesEntries_untilReopened() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      f.broker.request(AuditFixture.request("brine/keys", null));
      Files.delete(log());
      assertThatThrownBy(() -> f.broker.request(AuditFixture.request("brine/keys", null)))
          .isInstanceOf(AuditFailedException.class)
          .hasMessage(
              "the request could not be recorded in the audit log: audit device file/:"
                  + " the audit file was deleted or replaced");
      // Still failing: the device does not quietly carry on in a new file.
      assertThatThrownBy(() -> f.broker.request(AuditFixture.request("brine/keys", null)))
          .isInstanceOf(AuditFailedException.class);
      assertThat(log()).doesNotExist();
      f.broker.reopen();
      f.broker.request(AuditFixture.request("brine/keys", null));
      assertThat(AuditFixture.entries(log())).isNotEmpty();
    }
  }

  @Test
  void replacedAuditFile_refusesEntries() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      // No entry is awaited first: the unseal event's batch may be checking the file while it is
      // moved, and must say GONE then too (FileAuditDeviceTest makes each interleaving happen).
      Files.move(log(), dir.resolve("moved"));
      Files.writeString(log(), "");
      assertThatThrownBy(() -> f.broker.request(AuditFixture.request("brine/keys", null)))
          .isInstanceOf(AuditFailedException.class)
          .hasMessageEndingWith("the audit file was deleted or replaced");
    }
  }

  @Test
  void deletedAndRecreatedAuditFile_refusesEntries() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      f.broker.request(AuditFixture.request("brine/keys", null));
      Files.delete(log());
      // ext4 gives a freed inode to the next file made in the directory; the device's open file
      // keeps the old one allocated, so this file cannot pass for the one the device opened.
      Files.writeString(log(), "");
      assertThatThrownBy(() -> f.broker.request(AuditFixture.request("brine/keys", null)))
          .isInstanceOf(AuditFailedException.class)
          .hasMessageEndingWith("the audit file was deleted or replaced");
      assertThat(Files.size(log())).isZero();
    }
  }

  @Test
  void lostWritePermission_refusesEntries() throws Exception {
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000))) {
      Files.setPosixFilePermissions(log(), PosixFilePermissions.fromString("r--------"));
      assertThatThrownBy(() -> f.broker.request(AuditFixture.request("brine/keys", null)))
          .isInstanceOf(AuditFailedException.class)
          .hasMessageEndingWith("write permission on the audit file was removed");
    }
  }

  @Test
  void fullDisk_devFull_refusesEntries() throws Exception {
    AuditConfig config = new AuditConfig(true, false, List.of(), 1000, Duration.ofSeconds(60));
    try (AuditFixture f = AuditFixture.unsealed(config)) {
      f.broker.allowCharacterDevices = true; // the test seam: /dev/full stands for a full disk
      f.broker.enable("full", "file", "", Map.of("file_path", "/dev/full", "mode", "0000"));
      assertThatThrownBy(() -> f.broker.request(AuditFixture.request("brine/keys", null)))
          .isInstanceOf(AuditFailedException.class)
          .hasMessageEndingWith("cannot write the audit file");
    }
  }

  @Test
  void characterDevice_isRefusedWithoutTheTestSeam() throws Exception {
    AuditConfig config = new AuditConfig(true, false, List.of(), 1000, Duration.ofSeconds(60));
    try (AuditFixture f = AuditFixture.unsealed(config)) {
      assertThatThrownBy(
              () -> f.broker.enable("full", "file", "", Map.of("file_path", "/dev/full")))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage("cannot open the audit file: /dev/full is not a regular file");
      assertThat(f.broker.enabled()).isFalse();
    }
  }

  @Test
  void fullDisk_smallTmpfs_refusesEntries() throws Exception {
    Path mount = dir.resolve("small");
    Files.createDirectories(mount);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    Assumptions.assumeTrue(
        p.waitFor() == 0, "mounting a tmpfs needs root; /dev/full covers the full disk otherwise");
    try {
      Path file = mount.resolve("audit.log");
      try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(file, 1000))) {
        String big = "x".repeat(4000);
        int recorded = 0;
        AuditFailedException refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
          try {
            f.broker.request(
                AuditFixture.request("brine/jobs", AuditFixture.object().put("arg", big + i)));
            recorded++;
          } catch (AuditFailedException e) {
            refused = e;
          }
        }
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).endsWith("cannot write the audit file");
        assertThat(recorded).isGreaterThan(0);
        // Refused from now on, even for a small entry that would fit.
        assertThatThrownBy(() -> f.broker.request(AuditFixture.request("brine/keys", null)))
            .isInstanceOf(AuditFailedException.class);
      }
    } finally {
      new ProcessBuilder("umount", mount.toString()).start().waitFor();
    }
  }

  @Test
  void apiCreation_isRefusedUnlessTheConfigAllowsIt() throws Exception {
    AuditConfig config = new AuditConfig(false, false, List.of(), 1000, Duration.ofSeconds(60));
    try (AuditFixture f = AuditFixture.unsealed(config)) {
      assertThatThrownBy(
              () -> f.broker.enable("file", "file", "", Map.of("file_path", log().toString())))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage("cannot enable audit device via API");
      assertThat(f.broker.enabled()).isFalse();
    }
  }

  @Test
  void options_prefixRefusedUnlessAllowed_modesChecked() {
    assertThatThrownBy(
            () -> FileDeviceOptions.parse(Map.of("file_path", "/x", "prefix", "p"), false))
        .hasMessage("audit log prefixing is not allowed (allow_audit_log_prefixing is false)");
    assertThatThrownBy(
            () -> FileDeviceOptions.parse(Map.of("file_path", "/x", "mode", "4600"), false))
        .hasMessage("mode 4600 is irregular: setuid, setgid and sticky bits are refused");
    assertThatThrownBy(
            () -> FileDeviceOptions.parse(Map.of("file_path", "/x", "format", "jsonx"), false))
        .hasMessage("unknown format jsonx: only json is supported");
    assertThatThrownBy(() -> FileDeviceOptions.parse(Map.of("mode", "0600"), false))
        .hasMessage("file_path is required");
    assertThatThrownBy(() -> FileDeviceOptions.parse(Map.of("file_path", "rel/x"), false))
        .hasMessage("file_path must be an absolute path: rel/x");
  }

  @Test
  void prefix_whenAllowed_goesBeforeEachLine_andTheChainStillVerifies() throws Exception {
    AuditConfig config =
        new AuditConfig(true, true, List.of(new AuditConfig.Declared("file", "file", "",
            Map.of("file_path", log().toString(), "prefix", "@cee: "))), 2,
            Duration.ofSeconds(60));
    try (AuditFixture f = AuditFixture.unsealed(config)) {
      f.broker.request(AuditFixture.request("brine/keys", null));
      f.broker.request(AuditFixture.request("brine/keys", null));
      assertThat(AuditFixture.lines(log())).allMatch(l -> l.startsWith("@cee: {"));
      assertThat(AuditVerifier.verify(List.of(log()), pinned(f), null).holds()).isTrue();
    }
  }

  @Test
  void enable_setsTheMode_clearingExecuteBits_andDisableDropsTheSalt() throws Exception {
    AuditConfig config = new AuditConfig(true, false, List.of(), 1000, Duration.ofSeconds(60));
    try (AuditFixture f = AuditFixture.unsealed(config)) {
      f.broker.enable("a", "file", "first", Map.of("file_path", log().toString(), "mode", "0750"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log())))
          .isEqualTo("rw-r-----");
      assertThat(f.broker.list()).containsOnlyKeys("a/");
      assertThat(f.broker.list().get("a/").description()).isEqualTo("first");
      String before = f.broker.hash("a", "value");
      assertThatThrownBy(() -> f.broker.enable("a/", "file", "", Map.of("file_path", "discard")))
          .hasMessage("path already in use");
      f.broker.disable("a/");
      assertThat(f.broker.enabled()).isFalse();
      f.broker.enable("a", "file", "", Map.of("file_path", dir.resolve("b.log").toString()));
      assertThat(f.broker.hash("a", "value")).isNotEqualTo(before);
    }
  }

  @Test
  void declaredDevice_removedFromTheConfig_isDisabledAtTheNextUnseal() throws Exception {
    AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log(), 1000));
    try {
      assertThat(f.broker.enabled()).isTrue();
      f.vault.close();
      f.broker.close();
      AuditFixture again = AuditFixture.restartedWith(f, AuditConfig.DEFAULTS);
      assertThat(again.broker.enabled()).isFalse();
      assertThat(again.broker.list()).isEmpty();
      again.close();
    } finally {
      f.timer.shutdownNow();
    }
  }

  private static byte[] pinned(AuditFixture f) throws Exception {
    return AuditVerifier.parsePublicKey(f.broker.checkpointKey().publicKeyPem());
  }

  private static JsonNode lastOfType(Path file, String type) throws Exception {
    List<JsonNode> all = AuditFixture.entries(file);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).path("type").asText().equals(type)) {
        return all.get(i);
      }
    }
    throw new AssertionError("no " + type + " entry in " + file);
  }
}
