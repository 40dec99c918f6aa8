package io.brine.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/**
 * OpenBao's logical response: {@code request_id}, {@code lease_id}, {@code renewable}, {@code
 * lease_duration}, {@code data}, {@code wrap_info}, {@code warnings}, {@code auth}. Its clients
 * read {@code data} (and {@code auth} for a token) from this envelope.
 */
final class Logical {
  private Logical() {}

  /** The envelope around {@code data} (null for none), without auth or warnings. */
  static ObjectNode envelope(JsonNode data) {
    ObjectNode o = ApiJson.object();
    o.put("request_id", UUID.randomUUID().toString());
    o.put("lease_id", "");
    o.put("renewable", false);
    o.put("lease_duration", 0);
    if (data == null) {
      o.putNull("data");
    } else {
      o.set("data", data);
    }
    o.putNull("wrap_info");
    o.putNull("warnings");
    o.putNull("auth");
    return o;
  }

  /**
   * The sys backend's answer: the envelope, with {@code data}'s fields also at the top level (the
   * shape of Vault's older sys responses, which clients such as hvac still read).
   */
  static ObjectNode sys(ObjectNode data) {
    ObjectNode o = ApiJson.object();
    data.fields().forEachRemaining(f -> o.set(f.getKey(), f.getValue().deepCopy()));
    o.setAll(envelope(data));
    return o;
  }
}
