package io.brine.protocol.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.ProtocolException;
import java.util.Objects;

/**
 * The master's REPLY to a {@link SessionCall}: {@code {"rid": n, "ok": true, ...}} or {@code
 * {"rid": n, "ok": false, "error": "one line"}}.
 */
public record SessionReply(long rid, String error, ObjectNode body) {
  public SessionReply {
    Objects.requireNonNull(body, "body");
  }

  public static SessionReply ok(long rid, ObjectNode body) {
    return new SessionReply(rid, null, body);
  }

  public static SessionReply ok(long rid) {
    return ok(rid, JobJson.MAPPER.createObjectNode());
  }

  public static SessionReply error(long rid, String message) {
    return new SessionReply(rid, Objects.requireNonNull(message, "message"), JobJson.MAPPER.createObjectNode());
  }

  public boolean isOk() {
    return error == null;
  }

  public byte[] toJson() {
    ObjectNode node = JobJson.MAPPER.createObjectNode();
    node.put("rid", rid);
    node.put("ok", isOk());
    if (!isOk()) {
      node.put("error", error);
    }
    node.setAll(body);
    return JobJson.bytes(node);
  }

  public static SessionReply parse(byte[] json) throws ProtocolException {
    ObjectNode node = JobJson.object("reply", json);
    JsonNode rid = node.remove("rid");
    JsonNode ok = node.remove("ok");
    if (rid == null || !rid.isIntegralNumber() || !rid.canConvertToLong()) {
      throw new ProtocolException("reply field 'rid' must be a whole number");
    }
    if (ok == null || !ok.isBoolean()) {
      throw new ProtocolException("reply field 'ok' must be true or false");
    }
    if (ok.asBoolean()) {
      return ok(rid.asLong(), node);
    }
    JsonNode error = node.remove("error");
    if (error == null || !error.isTextual()) {
      throw new ProtocolException("a failed reply must carry an 'error' string");
    }
    return new SessionReply(rid.asLong(), error.asText(), node);
  }
}
