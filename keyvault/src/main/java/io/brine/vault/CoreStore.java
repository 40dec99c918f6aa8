package io.brine.vault;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.util.Optional;

/** Reads and writes the {@link CoreRecord} in the physical storage (outside the barrier). */
final class CoreStore {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Storage physical;

  CoreStore(Storage physical) {
    this.physical = physical;
  }

  Optional<CoreRecord> read() throws VaultException {
    Optional<byte[]> raw = physical.get(CoreRecord.PATH);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    CoreRecord record;
    try {
      record = JSON.readValue(raw.get(), CoreRecord.class);
    } catch (IOException e) {
      throw new IntegrityException("the vault's core record (" + CoreRecord.PATH + ") is corrupt");
    }
    if (record.format() != CoreRecord.FORMAT
        || record.seal() == null
        || record.rootKey() == null
        || record.keyring() == null) {
      throw new IntegrityException(
          "the vault's core record (" + CoreRecord.PATH + ") is incomplete or of an unknown format");
    }
    SealParameters quorum = VaultState.quorumParameters(record);
    if (record.shareChecks() != null
        && (quorum == null || !record.shareChecks().wellFormed(quorum.shares()))) {
      throw new IntegrityException(
          "the vault's core record (" + CoreRecord.PATH + ") has malformed share check values");
    }
    return Optional.of(record);
  }

  /**
   * Whether the storage holds barrier entries. With no core record beside them, someone deleted
   * the record: initializing again would make that data unreadable for good.
   */
  boolean hasBarrierEntries() throws VaultException {
    return !physical.list("barrier/").isEmpty();
  }

  /** One atomic put: the old record or the new one survives a crash, nothing in between. */
  void write(CoreRecord record) throws VaultException {
    byte[] raw;
    try {
      raw = JSON.writeValueAsBytes(record);
    } catch (IOException e) {
      throw new VaultException("could not encode the vault's core record", e);
    }
    physical.put(CoreRecord.PATH, raw);
  }
}
