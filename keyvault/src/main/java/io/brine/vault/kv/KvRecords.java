package io.brine.vault.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.IntegrityException;
import io.brine.vault.VaultException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The engine's records as brine stores them in the barrier (its own JSON, not OpenBao's protobuf):
 * times as ISO-8601 instants, durations in nanoseconds. A record that does not read back is an
 * {@link IntegrityException}, never a guess.
 */
final class KvRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KvRecords() {}

  static byte[] encode(KvMetadata m) throws VaultException {
    ObjectNode root = JSON.createObjectNode();
    root.put("created_time", m.createdTime().toString());
    root.put("updated_time", m.updatedTime().toString());
    root.put("current_version", m.currentVersion());
    root.put("oldest_version", m.oldestVersion());
    root.put("max_versions", m.maxVersions());
    root.put("cas_required", m.casRequired());
    root.put("delete_version_after_ns", m.deleteVersionAfter().toNanos());
    if (m.customMetadata() == null) {
      root.putNull("custom_metadata");
    } else {
      ObjectNode custom = root.putObject("custom_metadata");
      m.customMetadata().forEach(custom::put);
    }
    ObjectNode versions = root.putObject("versions");
    for (VersionMetadata v : m.versions().values()) {
      ObjectNode n = versions.putObject(Integer.toString(v.version()));
      n.put("created_time", v.createdTime().toString());
      if (v.deletionTime() == null) {
        n.putNull("deletion_time");
      } else {
        n.put("deletion_time", v.deletionTime().toString());
      }
      n.put("destroyed", v.destroyed());
      n.put("size", v.sizeInBytes());
    }
    return bytes(root, "metadata");
  }

  static KvMetadata metadata(String path, byte[] raw) throws VaultException {
    String what = "metadata of secret " + KvPaths.quote(path);
    JsonNode root = tree(raw, what);
    try {
      SortedMap<Integer, VersionMetadata> versions = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = field(root, "versions", what).properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        int n = Integer.parseInt(e.getKey());
        JsonNode v = e.getValue();
        JsonNode deletion = field(v, "deletion_time", what);
        versions.put(
            n,
            new VersionMetadata(
                n,
                Instant.parse(field(v, "created_time", what).asText()),
                deletion.isNull() ? null : Instant.parse(deletion.asText()),
                field(v, "destroyed", what).asBoolean(),
                field(v, "size", what).asLong()));
      }
      JsonNode custom = field(root, "custom_metadata", what);
      Map<String, String> customMap = null;
      if (!custom.isNull()) {
        customMap = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> c = custom.properties().iterator();
        while (c.hasNext()) {
          Map.Entry<String, JsonNode> e = c.next();
          customMap.put(e.getKey(), e.getValue().asText());
        }
      }
      return new KvMetadata(
          path,
          versions,
          field(root, "current_version", what).asInt(),
          field(root, "oldest_version", what).asInt(),
          field(root, "max_versions", what).asInt(),
          field(root, "cas_required", what).asBoolean(),
          Duration.ofNanos(field(root, "delete_version_after_ns", what).asLong()),
          customMap,
          Instant.parse(field(root, "created_time", what).asText()),
          Instant.parse(field(root, "updated_time", what).asText()));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IntegrityException("stored " + what + " is malformed");
    }
  }

  static byte[] encode(KvConfig c) throws VaultException {
    ObjectNode root = JSON.createObjectNode();
    root.put("max_versions", c.maxVersions());
    root.put("cas_required", c.casRequired());
    root.put("delete_version_after_ns", c.deleteVersionAfter().toNanos());
    return bytes(root, "config");
  }

  static KvConfig config(byte[] raw) throws VaultException {
    String what = "secrets engine config";
    JsonNode root = tree(raw, what);
    return new KvConfig(
        field(root, "max_versions", what).asInt(),
        field(root, "cas_required", what).asBoolean(),
        Duration.ofNanos(field(root, "delete_version_after_ns", what).asLong()));
  }

  static byte[] usage(long secrets, long bytes) throws VaultException {
    ObjectNode root = JSON.createObjectNode();
    root.put("secrets", secrets);
    root.put("bytes", bytes);
    return bytes(root, "usage");
  }

  static long[] usage(byte[] raw) throws VaultException {
    String what = "secrets engine usage";
    JsonNode root = tree(raw, what);
    return new long[] {field(root, "secrets", what).asLong(), field(root, "bytes", what).asLong()};
  }

  private static byte[] bytes(JsonNode node, String what) throws VaultException {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new VaultException("cannot encode the secrets engine " + what, e);
    }
  }

  private static JsonNode tree(byte[] raw, String what) throws IntegrityException {
    try {
      JsonNode root = JSON.readTree(raw);
      if (root == null || !root.isObject()) {
        throw new IntegrityException("stored " + what + " is not a JSON object");
      }
      return root;
    } catch (IOException e) {
      throw new IntegrityException("stored " + what + " is not JSON");
    }
  }

  private static JsonNode field(JsonNode node, String name, String what)
      throws IntegrityException {
    JsonNode v = node.get(name);
    if (v == null) {
      throw new IntegrityException("stored " + what + " lacks " + name);
    }
    return v;
  }
}
