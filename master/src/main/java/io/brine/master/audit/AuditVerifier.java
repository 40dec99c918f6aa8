package io.brine.master.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Checks audit files written by a file device ({@code brine audit verify}): the chain ({@code seq}
 * from 1 with no gap, each {@code prev} the SHA-256 of the line before), every checkpoint's Ed25519
 * signature, and that each file given continues the one before it (files in rotation order).
 *
 * <p>What it proves: nothing inside the chain up to the last checkpoint was edited, inserted,
 * deleted or reordered, unless the checkpoint key itself was used to re-sign. What it cannot prove
 * alone: that entries after the last checkpoint were not cut or rewritten by someone who can write
 * the file (said as a warning); {@code --head}, the master's latest signed checkpoint fetched
 * separately, closes that gap up to its seq. A last line cut mid-entry is what a crash while
 * writing leaves (no caller was told it was written) and is reported but not a failure.
 *
 * <p>Stops at the first break in the chain: every later line would be reported for the same cause.
 */
public final class AuditVerifier {
  /** The report: one line per finding, in order, and whether the chain holds (exit 0). */
  public record Report(List<String> lines, boolean holds) {
    public Report {
      lines = List.copyOf(lines);
    }
  }

  private final byte[] pinnedKey;
  private final JsonNode head;
  private final List<String> out = new ArrayList<>();
  private boolean broken;

  // The chain as verified so far.
  private long lastSeq = -1; // -1: no entry yet
  private String lastHash;
  private String lastFile;
  private long entries;
  private long firstSeq = -1;
  private int checkpoints;
  private long lastCheckpointSeq = -1;
  private byte[] key; // the key checkpoints are checked against
  private String keyId;
  private boolean headSeen;

  private AuditVerifier(byte[] pinnedKey, JsonNode head) {
    this.pinnedKey = pinnedKey == null ? null : pinnedKey.clone();
    this.head = head;
    this.key = this.pinnedKey;
    this.keyId = pinnedKey == null ? null : CheckpointSigner.keyId(pinnedKey);
  }

  /**
   * @param files in order: rotated files first, the current one last
   * @param pinnedKey the checkpoint key's SPKI bytes ({@link #parsePublicKey}), or null to use the
   *     key in the first checkpoint
   * @param head the master's latest checkpoint ({@link #parseHead}), or null
   * @throws IOException when a file cannot be read (not a verdict)
   */
  public static Report verify(List<Path> files, byte[] pinnedKey, JsonNode head)
      throws IOException {
    AuditVerifier v = new AuditVerifier(pinnedKey, head);
    v.run(files);
    return new Report(v.out, !v.broken);
  }

  private void run(List<Path> files) throws IOException {
    if (head != null && !checkHead()) {
      return;
    }
    for (Path file : files) {
      if (!file(file)) {
        return;
      }
    }
    finish();
  }

  /** The head's own signature, against the pinned key or the key it carries. */
  private boolean checkHead() {
    JsonNode c = head.path("checkpoint");
    byte[] spki = decode(c.path("public_key").asText(""));
    if (pinnedKey != null && (spki == null || !MessageDigest.isEqual(spki, pinnedKey))) {
      return fail("--head: signed by key " + c.path("key_id").asText("?") + ", not the pinned key "
          + keyId);
    }
    if (spki == null || !signatureHolds(head, spki)) {
      return fail("--head: bad signature");
    }
    if (key == null) {
      key = spki;
      keyId = CheckpointSigner.keyId(spki);
    }
    return true;
  }

  /** Returns false when the chain broke in this file. */
  private boolean file(Path path) throws IOException {
    String name = path.toString();
    long inFile = 0;
    long lineNo = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      LineReader reader = new LineReader(in);
      byte[] line;
      while ((line = reader.next()) != null) {
        lineNo++;
        if (!reader.terminated()) {
          // A crash while writing leaves this: the writer never told a caller it was written.
          out.add(name + ": ends mid-entry after seq " + Math.max(lastSeq, 0) + "; the " + inFile
              + " entries before it hold");
          break;
        }
        JsonNode entry = FileAuditDevice.parseLine(line);
        long seq = entry == null ? 0 : entry.path("seq").asLong(0);
        String prev = entry == null ? "" : entry.path("prev").asText("");
        if (seq <= 0 || prev.length() != 64) {
          return fail(name + ":" + lineNo + ": not a brine audit entry: it was edited or inserted");
        }
        String hash = AuditChain.hash(line);
        if (inFile == 0 && !continues(name, path, seq, prev)) {
          return false;
        }
        if (inFile > 0 || lastSeq >= 0) {
          if (seq <= lastSeq) {
            return fail(name + ":" + lineNo + ": seq " + seq + " appears again after seq " + lastSeq
                + ": an entry was inserted");
          }
          if (seq > lastSeq + 1) {
            long wanted = lastSeq + 1;
            long later = find(path, lineNo, wanted);
            if (later > 0) {
              return fail(name + ":" + lineNo + ": seq " + seq + " comes before seq " + wanted
                  + " (line " + later + "): entries reordered");
            }
            long missing = seq - lastSeq - 1;
            return fail(name + ":" + lineNo + ": seq " + seq + " follows seq " + lastSeq + ": "
                + missing + (missing == 1 ? " entry" : " entries") + " deleted");
          }
          if (!prev.equals(lastHash)) {
            return fail(name + ":" + (lineNo - 1) + ": seq " + lastSeq
                + " was edited: its hash does not match the prev of seq " + seq + " (line "
                + lineNo + ")");
          }
        }
        if (Checkpoints.TYPE.equals(entry.path("type").asText()) && !checkpoint(name, lineNo, entry, seq, prev)) {
          return false;
        }
        if (head != null && seq == head.path("seq").asLong(-1)) {
          headSeen = true;
          if (!Checkpoints.TYPE.equals(entry.path("type").asText())
              || !entry.path("checkpoint").path("signature").asText()
                  .equals(head.path("checkpoint").path("signature").asText())) {
            return fail(name + ":" + lineNo + ": seq " + seq
                + " is not the master's latest checkpoint: the log was rewritten");
          }
        }
        if (firstSeq < 0) {
          firstSeq = seq;
        }
        lastSeq = seq;
        lastHash = hash;
        inFile++;
        entries++;
      }
    }
    lastFile = name;
    return true;
  }

  /** The first entry of a file: the chain's start, or the next entry after the previous file. */
  private boolean continues(String name, Path path, long seq, String prev) {
    if (lastSeq < 0) {
      if (lastFile != null) {
        return true; // the files before held no entry
      }
      if (seq == 1 && !prev.equals(AuditChain.GENESIS)) {
        return fail(name + ":1: seq 1 does not start a chain: its prev is not 64 zeros");
      }
      if (seq > 1) {
        out.add("note: " + name + " starts at seq " + seq
            + ": it continues an earlier file not given here");
        lastSeq = seq - 1;
        lastHash = prev;
      }
      return true;
    }
    if (lastFile == null) {
      return true;
    }
    if (seq != lastSeq + 1) {
      return fail(name + ": does not continue " + lastFile + " (which ends at seq " + lastSeq
          + "): its first entry is seq " + seq);
    }
    if (!prev.equals(lastHash)) {
      return fail(name + ": does not continue " + lastFile + " (which ends at seq " + lastSeq
          + "): its first entry's prev is not the hash of that file's last entry");
    }
    return true;
  }

  private boolean checkpoint(String name, long lineNo, JsonNode entry, long seq, String prev) {
    JsonNode c = entry.path("checkpoint");
    String where = name + ":" + lineNo + ": checkpoint seq " + seq;
    byte[] spki = decode(c.path("public_key").asText(""));
    if (spki == null) {
      return fail(where + ": bad signature (no public key)");
    }
    if (key == null) {
      key = spki;
      keyId = CheckpointSigner.keyId(spki);
      out.add("note: checkpoint key not pinned: checked against the key in the first checkpoint ("
          + keyId + "); pass --public-key to pin it");
    }
    if (!MessageDigest.isEqual(spki, key)) {
      return fail(where + ": signed by key " + c.path("key_id").asText("?") + ", not "
          + (pinnedKey != null ? "the pinned key " : "the first checkpoint's key ") + keyId);
    }
    if (!c.path("head").asText().equals(prev) || c.path("covers_seq").asLong(-1) != seq - 1) {
      return fail(where + ": bad signature (its head is not the entry before it)");
    }
    if (!signatureHolds(entry, spki)) {
      return fail(where + ": bad signature");
    }
    checkpoints++;
    lastCheckpointSeq = seq;
    return true;
  }

  private static boolean signatureHolds(JsonNode entry, byte[] spki) {
    JsonNode c = entry.path("checkpoint");
    byte[] signed =
        Checkpoints.signedText(
            c.path("device").asText(),
            entry.path("seq").asLong(),
            c.path("covers_seq").asLong(),
            c.path("head").asText(),
            entry.path("time").asText(),
            c.path("key_id").asText());
    return CheckpointSigner.keyId(spki).equals(c.path("key_id").asText())
        && CheckpointSigner.verify(spki, signed, c.path("signature").asText(""));
  }

  private void finish() {
    if (broken) {
      return;
    }
    if (head != null && !headSeen) {
      long headSeq = head.path("seq").asLong();
      if (lastSeq < headSeq) {
        fail((lastFile == null ? "the files" : lastFile) + ": ends at seq " + Math.max(lastSeq, 0)
            + ", before the master's latest checkpoint at seq " + headSeq + ": entries were cut");
        return;
      }
      fail("the master's latest checkpoint at seq " + headSeq
          + " is not in the files: the log was rewritten");
      return;
    }
    if (entries == 0) {
      out.add("no entries");
      return;
    }
    if (lastCheckpointSeq < 0) {
      out.add("warning: no checkpoint: nothing is signed, a cut or rewrite cannot be detected");
    } else if (lastSeq > lastCheckpointSeq) {
      long tail = lastSeq - lastCheckpointSeq;
      out.add("warning: the last " + tail + (tail == 1 ? " entry" : " entries") + " (seq "
          + (lastCheckpointSeq + 1) + ".." + lastSeq + ") follow the last checkpoint (seq "
          + lastCheckpointSeq + ") and are not signed"
          + (head == null ? ": a cut there is not detected without --head" : ""));
    }
    out.add("chain holds: " + entries + (entries == 1 ? " entry" : " entries") + ", seq "
        + firstSeq + ".." + lastSeq + ", " + checkpoints + " checkpoint"
        + (checkpoints == 1 ? "" : "s") + " verified");
  }

  /** The line number after {@code afterLine} holding {@code seq}, or 0. */
  private static long find(Path path, long afterLine, long seq) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      LineReader reader = new LineReader(in);
      long lineNo = 0;
      for (byte[] line; (line = reader.next()) != null; ) {
        lineNo++;
        if (lineNo <= afterLine) {
          continue;
        }
        JsonNode entry = FileAuditDevice.parseLine(line);
        if (entry != null && entry.path("seq").asLong(0) == seq) {
          return lineNo;
        }
      }
    }
    return 0;
  }

  private boolean fail(String line) {
    out.add(line);
    broken = true;
    return false;
  }

  private static byte[] decode(String b64) {
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A checkpoint key as {@code --public-key} takes it: PEM, base64 of the SPKI bytes, or the JSON
   * of {@code GET /v1/brine/audit/checkpoint-key}.
   *
   * @throws IllegalArgumentException when it is none of these, or not an Ed25519 key
   */
  public static byte[] parsePublicKey(String text) {
    String t = Objects.requireNonNull(text).strip();
    if (t.startsWith("{")) {
      JsonNode node;
      try {
        node = EntryFormat.JSON.readTree(t);
      } catch (IOException e) {
        throw new IllegalArgumentException("the key is not valid JSON");
      }
      JsonNode data = node.has("data") ? node.get("data") : node;
      t = data.path("public_key").asText("").strip();
    }
    if (t.startsWith("-----BEGIN PUBLIC KEY-----")) {
      t = t.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
    }
    byte[] spki;
    try {
      spki = Base64.getMimeDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key is neither PEM nor base64");
    }
    if (!isEd25519(spki)) {
      throw new IllegalArgumentException("the key is not an Ed25519 public key");
    }
    return spki;
  }

  private static boolean isEd25519(byte[] spki) {
    try {
      java.security.KeyFactory.getInstance("Ed25519")
          .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * A head as {@code --head} takes it: a checkpoint line, or the JSON of {@code GET
   * /v1/brine/audit/head/<path>} (its {@code data}).
   *
   * @throws IllegalArgumentException when it is not a checkpoint
   */
  public static JsonNode parseHead(String text) {
    JsonNode node;
    try {
      node = EntryFormat.JSON.readTree(text.strip());
    } catch (IOException e) {
      throw new IllegalArgumentException("the head is not valid JSON");
    }
    if (node != null && node.has("data")) {
      node = node.get("data");
    }
    if (node == null
        || !Checkpoints.TYPE.equals(node.path("type").asText())
        || node.path("seq").asLong(0) <= 0
        || !node.path("checkpoint").isObject()) {
      throw new IllegalArgumentException("the head is not a checkpoint");
    }
    return node;
  }

  /** Lines as exact bytes, without their newline; says whether the last one had one. */
  private static final class LineReader {
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private boolean terminated;

    LineReader(InputStream in) {
      this.in = in;
    }

    byte[] next() throws IOException {
      line.reset();
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          terminated = true;
          return line.toByteArray();
        }
        line.write(b);
      }
      terminated = false;
      return line.size() == 0 ? null : line.toByteArray();
    }

    boolean terminated() {
      return terminated;
    }
  }
}
