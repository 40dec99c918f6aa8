package io.brine.master.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of tampering, each on a copy of a file a real device wrote, with the verifier's exact
 * line.
 */
class AuditVerifierTest {
  @TempDir Path dir;

  private Path log;
  private byte[] key;
  private List<String> lines;

  /** 12 requests with a checkpoint every 5 entries, then a seal (the seal event and a checkpoint). */
  @BeforeEach
  void write() throws Exception {
    log = dir.resolve("audit.log");
    try (AuditFixture f = AuditFixture.unsealed(AuditFixture.declared(log, 5))) {
      for (int i = 0; i < 12; i++) {
        f.broker.request(AuditFixture.request("brine/keys", AuditFixture.object().put("i", i)));
      }
      key = AuditVerifier.parsePublicKey(f.broker.checkpointKey().publicKeyPem());
      f.vault.seal(f.rootToken);
    }
    lines = AuditFixture.lines(log);
  }

  private Path copy(List<String> content) throws Exception {
    Path p = dir.resolve("tampered.log");
    Files.write(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private AuditVerifier.Report verify(Path... files) throws Exception {
    return AuditVerifier.verify(List.of(files), key, null);
  }

  private static JsonNode entry(String line) throws Exception {
    return EntryFormat.JSON.readTree(line);
  }

  private int indexOfType(String type, int from) throws Exception {
    for (int i = from; i < lines.size(); i++) {
      if (entry(lines.get(i)).path("type").asText().equals(type)) {
        return i;
      }
    }
    throw new AssertionError("no " + type);
  }

  @Test
  void untouched_holds_andSaysWhatItChecked() throws Exception {
    AuditVerifier.Report r = verify(log);
    assertThat(r.holds()).isTrue();
    long checkpoints = lines.stream().filter(l -> l.contains("\"type\":\"checkpoint\"")).count();
    assertThat(r.lines())
        .containsExactly(
            "chain holds: " + lines.size() + " entries, seq 1.." + lines.size() + ", "
                + checkpoints + " checkpoints verified");
  }

  @Test
  void editedEntry_isNamedByLineAndSeq() throws Exception {
    List<String> t = new ArrayList<>(lines);
    int i = indexOfType("request", 3); // a request entry inside the chain
    t.set(i, t.get(i).replace("\"operation\":\"update\"", "\"operation\":\"read\""));
    AuditVerifier.Report r = verify(copy(t));
    assertThat(r.holds()).isFalse();
    assertThat(r.lines())
        .containsExactly(
            dir.resolve("tampered.log") + ":" + (i + 1)
                + ": seq " + (i + 1) + " was edited: its hash does not match the prev of seq "
                + (i + 2) + " (line " + (i + 2) + ")");
  }

  @Test
  void insertedEntry_isDetected() throws Exception {
    List<String> t = new ArrayList<>(lines);
    t.add(6, lines.get(1)); // a copy of entry 2 after entry 6
    AuditVerifier.Report r = verify(copy(t));
    assertThat(r.lines())
        .containsExactly(
            dir.resolve("tampered.log") + ":7: seq 2 appears again after seq 6: an entry was inserted");
    assertThat(r.holds()).isFalse();
  }

  @Test
  void deletedEntry_isDetected() throws Exception {
    List<String> t = new ArrayList<>(lines);
    t.remove(3); // seq 4
    AuditVerifier.Report r = verify(copy(t));
    assertThat(r.lines())
        .containsExactly(dir.resolve("tampered.log") + ":4: seq 5 follows seq 3: 1 entry deleted");
    assertThat(r.holds()).isFalse();
  }

  @Test
  void reorderedEntries_areDetected() throws Exception {
    List<String> t = new ArrayList<>(lines);
    Collections.swap(t, 2, 3); // seq 3 and 4
    AuditVerifier.Report r = verify(copy(t));
    assertThat(r.lines())
        .containsExactly(
            dir.resolve("tampered.log") + ":3: seq 4 comes before seq 3 (line 4): entries reordered");
    assertThat(r.holds()).isFalse();
  }

  @Test
  void badCheckpointSignature_isDetected() throws Exception {
    List<String> t = new ArrayList<>(lines);
    int c = indexOfType("checkpoint", 0);
    ObjectNode cp = (ObjectNode) entry(t.get(c));
    String sig = cp.path("checkpoint").path("signature").asText();
    char flipped = sig.charAt(5) == 'A' ? 'B' : 'A';
    ((ObjectNode) cp.get("checkpoint"))
        .put("signature", sig.substring(0, 5) + flipped + sig.substring(6));
    t.set(c, EntryFormat.JSON.writeValueAsString(cp));
    AuditVerifier.Report r = verify(copy(t));
    assertThat(r.lines())
        .containsExactly(
            dir.resolve("tampered.log") + ":" + (c + 1) + ": checkpoint seq " + (c + 1)
                + ": bad signature");
    assertThat(r.holds()).isFalse();
  }

  @Test
  void rewrittenChain_withEveryPrevRecomputed_isCaughtByTheNextCheckpoint() throws Exception {
    // Whoever can write the file can recompute hashes, but cannot sign.
    List<String> t = new ArrayList<>(lines);
    t.set(1, t.get(1).replace("\"operation\":\"update\"", "\"operation\":\"read\""));
    String prev = AuditChain.hash(t.get(1).getBytes(StandardCharsets.UTF_8));
    for (int i = 2; i < t.size(); i++) {
      ObjectNode e = (ObjectNode) entry(t.get(i));
      e.put("prev", prev);
      if (e.has("checkpoint")) {
        ((ObjectNode) e.get("checkpoint")).put("head", prev);
      }
      t.set(i, EntryFormat.JSON.writeValueAsString(e));
      prev = AuditChain.hash(t.get(i).getBytes(StandardCharsets.UTF_8));
    }
    int c = indexOfType("checkpoint", 0);
    AuditVerifier.Report r = verify(copy(t));
    assertThat(r.lines())
        .containsExactly(
            dir.resolve("tampered.log") + ":" + (c + 1) + ": checkpoint seq " + (c + 1)
                + ": bad signature");
  }

  @Test
  void checkpointSignedByAnotherKey_isNotThePinnedKey() throws Exception {
    byte[] other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
    AuditVerifier.Report r = AuditVerifier.verify(List.of(log), other, null);
    int c = indexOfType("checkpoint", 0);
    String realId = entry(lines.get(c)).path("checkpoint").path("key_id").asText();
    assertThat(r.lines())
        .containsExactly(
            log + ":" + (c + 1) + ": checkpoint seq " + (c + 1) + ": signed by key " + realId
                + ", not the pinned key " + CheckpointSigner.keyId(other));
    assertThat(r.holds()).isFalse();
  }

  @Test
  void withoutAPinnedKey_theFirstCheckpointsKeyIsUsed_andSaidSo() throws Exception {
    AuditVerifier.Report r = AuditVerifier.verify(List.of(log), null, null);
    assertThat(r.holds()).isTrue();
    assertThat(r.lines().get(0))
        .isEqualTo(
            "note: checkpoint key not pinned: checked against the key in the first checkpoint ("
                + CheckpointSigner.keyId(key) + "); pass --public-key to pin it");
  }

  @Test
  void tailCutAfterTheLastCheckpoint_holdsWithAWarning_butNotAgainstTheHead() throws Exception {
    int last = lines.size() - 1; // the seal's checkpoint: the master's latest
    JsonNode head = AuditVerifier.parseHead(lines.get(last));
    int previousCheckpoint = -1;
    for (int i = 0; i < last; i++) {
      if (entry(lines.get(i)).path("type").asText().equals("checkpoint")) {
        previousCheckpoint = i;
      }
    }
    // Cut two entries after the previous checkpoint: everything signed later is gone.
    List<String> t = new ArrayList<>(lines.subList(0, previousCheckpoint + 3));
    Path cut = copy(t);
    AuditVerifier.Report alone = verify(cut);
    assertThat(alone.holds()).isTrue();
    assertThat(alone.lines().get(0))
        .isEqualTo(
            "warning: the last 2 entries (seq " + (previousCheckpoint + 2) + ".."
                + (previousCheckpoint + 3) + ") follow the last checkpoint (seq "
                + (previousCheckpoint + 1) + ") and are not signed: a cut there is not detected"
                + " without --head");

    AuditVerifier.Report withHead = AuditVerifier.verify(List.of(cut), key, head);
    assertThat(withHead.holds()).isFalse();
    assertThat(withHead.lines())
        .containsExactly(
            cut + ": ends at seq " + (previousCheckpoint + 3)
                + ", before the master's latest checkpoint at seq " + (last + 1)
                + ": entries were cut");
    // The whole file against the same head holds.
    assertThat(AuditVerifier.verify(List.of(log), key, head).holds()).isTrue();
  }

  @Test
  void headFromTheApi_isReadFromItsData() {
    String api = "{\"request_id\":\"x\",\"data\":" + lines.get(lines.size() - 1) + "}";
    assertThat(AuditVerifier.parseHead(api).path("seq").asLong()).isEqualTo(lines.size());
  }

  @Test
  void lastLineCutMidEntry_isACrash_theEntriesBeforeHold() throws Exception {
    String half = "{\"time\":\"2026-01-01T00:00:00.000000000Z\",\"type\":\"requ";
    Path p = dir.resolve("crashed.log");
    Files.writeString(p, String.join("\n", lines) + "\n" + half, StandardCharsets.UTF_8);
    AuditVerifier.Report r = AuditVerifier.verify(List.of(p), key, null);
    assertThat(r.holds()).isTrue();
    assertThat(r.lines().get(0))
        .isEqualTo(p + ": ends mid-entry after seq " + lines.size() + "; the " + lines.size()
            + " entries before it hold");
  }

  @Test
  void rotatedFiles_mustContinueEachOther() throws Exception {
    Path first = dir.resolve("audit.log.1");
    Path second = dir.resolve("audit.log.2");
    Files.write(first, lines.subList(0, 6), StandardCharsets.UTF_8);
    Files.write(second, lines.subList(6, lines.size()), StandardCharsets.UTF_8);
    assertThat(verify(first, second).holds()).isTrue();

    Files.write(second, lines.subList(7, lines.size()), StandardCharsets.UTF_8);
    AuditVerifier.Report r = verify(first, second);
    assertThat(r.lines())
        .containsExactly(
            second + ": does not continue " + first + " (which ends at seq 6): its first entry is"
                + " seq 8");
    assertThat(r.holds()).isFalse();

    // Given alone, a later file says it continues one not given.
    AuditVerifier.Report alone = verify(second);
    assertThat(alone.lines().get(0))
        .isEqualTo("note: " + second + " starts at seq 8: it continues an earlier file not given here");
  }

  @Test
  void aForeignLine_isNotAnEntry() throws Exception {
    List<String> t = new ArrayList<>(lines);
    t.add(4, "{\"time\":\"2026-01-01T00:00:00Z\",\"type\":\"request\"}");
    AuditVerifier.Report r = verify(copy(t));
    assertThat(r.lines())
        .containsExactly(
            dir.resolve("tampered.log") + ":5: not a brine audit entry: it was edited or inserted");
  }
}
