package io.brine.vault.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.IntegrityException;
import io.brine.vault.VaultException;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A token entry as stored under {@code sys/token/id/}: JSON, with the accessors encrypted under
 * the salt's key and the parent named by its storage key. The token itself is not in it.
 */
final class StoredEntry {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The entry and its parent's storage key (null for an orphan). */
  record Decoded(TokenEntry entry, String parentId) {}

  private StoredEntry() {}

  static byte[] encode(TokenEntry e, String parentId, TokenSalt salt) throws VaultException {
    ObjectNode o = JSON.createObjectNode();
    o.put("accessor", salt.sealAccessor(e.accessor(), e.idHash()));
    if (parentId != null) {
      o.put("parent", parentId);
      o.put("parent_accessor", salt.sealAccessor(e.parentAccessor(), e.idHash() + "/parent"));
    }
    ArrayNode policies = o.putArray("policies");
    e.policies().forEach(policies::add);
    o.put("display_name", e.displayName());
    ObjectNode meta = o.putObject("meta");
    e.meta().forEach(meta::put);
    o.put("creation_time", e.creationTime().toString());
    o.put("creation_ttl", e.creationTtl().toString());
    o.put("expire_time", e.expireTime() == null ? null : e.expireTime().toString());
    o.put("explicit_max_ttl", e.explicitMaxTtl().toString());
    o.put("period", e.period().toString());
    o.put("num_uses", e.numUses());
    o.put("orphan", e.orphan());
    o.put("renewable", e.renewable());
    o.put("path", e.path());
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException ex) {
      throw new VaultException("cannot encode a token entry: " + ex.getMessage(), ex);
    }
  }

  static Decoded decode(byte[] bytes, String idHash, TokenSalt salt) throws VaultException {
    try {
      JsonNode o = JSON.readTree(bytes);
      if (o == null || !o.isObject()) {
        throw corrupt(idHash);
      }
      String parentId = o.hasNonNull("parent") ? o.get("parent").asText() : null;
      String parentAccessor =
          parentId == null
              ? null
              : salt.openAccessor(text(o, "parent_accessor", idHash), idHash + "/parent");
      List<String> policies = new ArrayList<>();
      for (JsonNode p : array(o, "policies", idHash)) {
        policies.add(p.asText());
      }
      Map<String, String> meta = new LinkedHashMap<>();
      JsonNode m = o.get("meta");
      if (m != null && m.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = m.properties().iterator(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          meta.put(f.getKey(), f.getValue().asText());
        }
      }
      TokenEntry entry =
          new TokenEntry(
              salt.openAccessor(text(o, "accessor", idHash), idHash),
              parentAccessor,
              policies,
              text(o, "display_name", idHash),
              meta,
              Instant.parse(text(o, "creation_time", idHash)),
              Duration.parse(text(o, "creation_ttl", idHash)),
              o.hasNonNull("expire_time") ? Instant.parse(o.get("expire_time").asText()) : null,
              Duration.parse(text(o, "explicit_max_ttl", idHash)),
              Duration.parse(text(o, "period", idHash)),
              o.path("num_uses").asInt(),
              o.path("orphan").asBoolean(),
              o.path("renewable").asBoolean(),
              text(o, "path", idHash),
              idHash);
      return new Decoded(entry, parentId);
    } catch (IOException | DateTimeException e) {
      throw corrupt(idHash);
    }
  }

  private static String text(JsonNode o, String field, String idHash) throws IntegrityException {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw corrupt(idHash);
    }
    return v.asText();
  }

  private static JsonNode array(JsonNode o, String field, String idHash)
      throws IntegrityException {
    JsonNode v = o.get(field);
    if (v == null || !v.isArray()) {
      throw corrupt(idHash);
    }
    return v;
  }

  private static IntegrityException corrupt(String idHash) {
    return new IntegrityException(
        "the token entry " + TokenStore.ID_PREFIX + idHash + " is not readable: the storage is"
            + " corrupt");
  }
}
