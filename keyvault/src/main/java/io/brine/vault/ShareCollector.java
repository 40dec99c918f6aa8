package io.brine.vault;

import io.brine.crypto.SecretBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The shares one quorum operation has collected so far, with the nonce that names the attempt.
 * Not thread-safe: the vault calls it under its state lock.
 */
final class ShareCollector {
  /** What a share identical to one already held means. */
  enum OnDuplicate {
    /** Unseal: ignored, not counted, no error. */
    IGNORE,
    /** Rotation and generate-root: an error. */
    REFUSE
  }

  private final List<SecretBytes> parts = new ArrayList<>();
  /** Who gave each part (same index), or null when not known: for {@link #discardFrom}. */
  private final List<String> givenBy = new ArrayList<>();
  private String nonce = "";

  /** A new nonce when nothing is collected yet. */
  void startIfIdle() {
    if (nonce.isEmpty()) {
      nonce = UUID.randomUUID().toString();
    }
  }

  /** Adds {@code part}, which passes to this collector (destroyed when it is discarded). */
  void add(SecretBytes part, OnDuplicate onDuplicate) throws InvalidRequestException {
    add(part, onDuplicate, null);
  }

  /** As {@link #add(SecretBytes, OnDuplicate)}, remembering who gave it. */
  void add(SecretBytes part, OnDuplicate onDuplicate, String submitter)
      throws InvalidRequestException {
    for (SecretBytes held : parts) {
      if (held.length() == part.length() && held.equalsInConstantTime(part)) {
        part.destroy();
        if (onDuplicate == OnDuplicate.REFUSE) {
          throw new InvalidRequestException(
              "given key has already been provided during this operation");
        }
        return;
      }
    }
    parts.add(part);
    givenBy.add(submitter);
  }

  /**
   * Discards the parts {@code submitter} gave, and the attempt itself when none is left: what a
   * reset from someone who shows no share may undo, so that it cannot undo the others' work.
   */
  void discardFrom(String submitter) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      if (submitter.equals(givenBy.get(i))) {
        parts.remove(i).destroy();
        givenBy.remove(i);
      }
    }
    if (parts.isEmpty()) {
      nonce = "";
    }
  }

  int progress() {
    return parts.size();
  }

  String nonce() {
    return nonce;
  }

  /** Hands over the collected parts (the caller destroys them) and forgets them. */
  List<SecretBytes> takeParts() {
    List<SecretBytes> taken = List.copyOf(parts);
    parts.clear();
    givenBy.clear();
    return taken;
  }

  /** Discards the parts, keeping the nonce (a rotation keeps its nonce after a failed set). */
  void clearParts() {
    parts.forEach(SecretBytes::destroy);
    parts.clear();
    givenBy.clear();
  }

  /** Discards the parts and the nonce. */
  void reset() {
    clearParts();
    nonce = "";
  }

  static void destroyAll(List<SecretBytes> parts) {
    parts.forEach(SecretBytes::destroy);
  }
}
