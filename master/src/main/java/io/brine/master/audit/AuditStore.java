package io.brine.master.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit devices' state in the barrier: {@code sys/audit/device/<name>} (type, description,
 * options, salt, whether the config declared it) and {@code sys/audit/state/<name>} (the chain's
 * head and the latest checkpoint, written at each checkpoint, reopen and seal, so a new file after
 * a rotation, or after a restart, continues the chain).
 */
final class AuditStore {
  private static final String DEVICES = "sys/audit/device/";
  private static final String STATES = "sys/audit/state/";

  private final Storage barrier;

  AuditStore(Storage barrier) {
    this.barrier = barrier;
  }

  /** A stored device. {@code salt} is the caller's to destroy. */
  record StoredDevice(
      String name,
      String type,
      String description,
      Map<String, String> options,
      AuditSalt salt,
      boolean declared) {}

  /** A device's recorded head and latest checkpoint (null before the first). */
  record State(AuditChain.Head head, ObjectNode checkpoint) {}

  List<String> names() throws VaultException {
    return barrier.list(DEVICES).stream().filter(n -> !n.endsWith("/")).toList();
  }

  Optional<StoredDevice> device(String name) throws VaultException {
    Optional<byte[]> bytes = barrier.get(DEVICES + name);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    byte[] raw = bytes.get();
    byte[] salt = null;
    try {
      JsonNode node = EntryFormat.JSON.readTree(raw);
      Map<String, String> options = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.path("options").properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        options.put(e.getKey(), e.getValue().asText());
      }
      salt = Base64.getDecoder().decode(node.path("salt").asText());
      return Optional.of(
          new StoredDevice(
              name,
              node.path("type").asText(),
              node.path("description").asText(""),
              options,
              new AuditSalt(salt),
              node.path("declared").asBoolean(false)));
    } catch (IOException | IllegalArgumentException e) {
      throw new VaultException("audit device " + name + "/ is stored unreadably: " + e.getMessage(), e);
    } finally {
      Arrays.fill(raw, (byte) 0);
      if (salt != null) {
        Arrays.fill(salt, (byte) 0);
      }
    }
  }

  void putDevice(StoredDevice d) throws VaultException {
    ObjectNode node = EntryFormat.JSON.createObjectNode();
    node.put("type", d.type());
    node.put("description", d.description());
    ObjectNode options = node.putObject("options");
    d.options().forEach(options::put);
    byte[] salt = d.salt().bytes();
    node.put("salt", Base64.getEncoder().encodeToString(salt));
    Arrays.fill(salt, (byte) 0);
    node.put("declared", d.declared());
    byte[] bytes = bytes(node);
    try {
      barrier.put(DEVICES + d.name(), bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Drops the device's config, salt and state: its old hashes can no longer be matched. */
  void deleteDevice(String name) throws VaultException {
    barrier.delete(DEVICES + name);
    barrier.delete(STATES + name);
  }

  State state(String name) throws VaultException {
    Optional<byte[]> bytes = barrier.get(STATES + name);
    if (bytes.isEmpty()) {
      return new State(AuditChain.Head.START, null);
    }
    try {
      JsonNode node = EntryFormat.JSON.readTree(bytes.get());
      AuditChain.Head head =
          new AuditChain.Head(node.path("seq").asLong(0), node.path("hash").asText(AuditChain.GENESIS));
      JsonNode checkpoint = node.get("checkpoint");
      return new State(head, checkpoint instanceof ObjectNode o ? o : null);
    } catch (IOException e) {
      throw new VaultException("audit device " + name + "/ state is unreadable: " + e.getMessage(), e);
    }
  }

  void putState(String name, AuditChain.Head head, ObjectNode checkpoint) throws VaultException {
    ObjectNode node = EntryFormat.JSON.createObjectNode();
    node.put("seq", head.seq());
    node.put("hash", head.hash());
    if (checkpoint != null) {
      node.set("checkpoint", checkpoint);
    }
    barrier.put(STATES + name, bytes(node));
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return EntryFormat.JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("audit state could not be written as JSON", e);
    }
  }
}
