package io.brine.master.audit;

import java.nio.charset.StandardCharsets;

/**
 * A checkpoint line: {@code {"time", "type":"checkpoint", "checkpoint": {"device", "covers_seq",
 * "head", "key_id", "public_key", "signature"}, "seq", "prev"}}. It covers every entry up to
 * {@code covers_seq} (= seq - 1), whose line hashes to {@code head} (= prev). The Ed25519 signature
 * is over {@link #signedText}, a fixed line-per-field encoding of device, seq, covers_seq, head,
 * time and key id, so a verifier rebuilds exactly the signed bytes from the parsed line.
 */
public final class Checkpoints {
  public static final String TYPE = "checkpoint";
  static final String VERSION = "brine-audit-checkpoint/1";

  private Checkpoints() {}

  public static byte[] signedText(
      String device, long seq, long coversSeq, String head, String time, String keyId) {
    String text =
        VERSION
            + "\ndevice="
            + device
            + "\nseq="
            + seq
            + "\ncovers_seq="
            + coversSeq
            + "\nhead="
            + head
            + "\ntime="
            + time
            + "\nkey_id="
            + keyId
            + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
