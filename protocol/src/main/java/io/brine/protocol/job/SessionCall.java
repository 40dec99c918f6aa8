package io.brine.protocol.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.ProtocolException;
import java.util.Objects;

/**
 * A minion's REQUEST to the master, in the session (docs/protocol.md §5): {@code {"rid": n,
 * "kind": "...", ...}}. {@code rid} pairs it with its {@link SessionReply}; a minion may have
 * several calls out at once, and the master may answer them out of order. Kinds:
 *
 * <ul>
 *   <li>{@code return}: a job's result, {@code jid, fun, return, retcode, success}. The minion id
 *       is the session's, never a field the minion could set.
 *   <li>{@code file.stat}: {@code path} ({@code salt://...}); the reply has {@code size} and
 *       {@code sha256} (hex).
 *   <li>{@code file.read}: {@code path, offset, length}; the reply has {@code data} (base64).
 *   <li>{@code grains}: {@code grains}, an object: the minion's grains (computed, the config's
 *       {@code grains:} and the grains file merged), sent after each new connection's first
 *       session and again when they change ({@code grains.setval}). The master keeps them with the
 *       minion's key, for grain, ipcidr and compound targets; the reply is {@code ok}, or an
 *       error when they are refused ({@link #MAX_GRAINS_BYTES}, nesting). As for a return, the
 *       minion id is the session's.
 *   <li>{@code ping}: nothing; the reply is {@code ok} and nothing else. A minion with {@code
 *       master_alive_interval} asks it of a master that has been silent, and takes any reply (an
 *       error too, from a master that predates the call) as a sign of life.
 * </ul>
 */
public record SessionCall(long rid, String kind, ObjectNode body) {
  public static final String RETURN = "return";
  public static final String FILE_STAT = "file.stat";
  public static final String FILE_READ = "file.read";
  public static final String PING = "ping";
  public static final String GRAINS = "grains";
  public static final String PILLAR = "pillar";

  /** The most JSON one minion's pillar may take in a REPLY, well inside a 1 MiB frame. */
  public static final int MAX_PILLAR_BYTES = 512 * 1024;

  /** The most JSON a minion's grains may take; a larger call is refused with one log line. */
  public static final int MAX_GRAINS_BYTES = 64 * 1024;

  /** The deepest grains may nest (a grain is a few levels deep; Salt's deepest are 3). */
  public static final int MAX_GRAINS_DEPTH = 16;

  public SessionCall {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(body, "body");
    if (rid < 0) {
      throw new IllegalArgumentException("rid must be >= 0");
    }
  }

  /** A call with an empty body to fill. */
  public static SessionCall of(long rid, String kind) {
    return new SessionCall(rid, kind, JobJson.MAPPER.createObjectNode());
  }

  public byte[] toJson() {
    ObjectNode node = JobJson.MAPPER.createObjectNode();
    node.put("rid", rid);
    node.put("kind", kind);
    node.setAll(body);
    return JobJson.bytes(node);
  }

  /** @throws ProtocolException when {@code json} has no numeric rid or no string kind */
  public static SessionCall parse(byte[] json) throws ProtocolException {
    ObjectNode node = JobJson.object("request", json);
    JsonNode rid = node.remove("rid");
    JsonNode kind = node.remove("kind");
    if (rid == null || !rid.canConvertToLong() || !rid.isIntegralNumber() || rid.asLong() < 0) {
      throw new ProtocolException("request field 'rid' must be a whole number >= 0");
    }
    if (kind == null || !kind.isTextual()) {
      throw new ProtocolException("request field 'kind' must be a string");
    }
    return new SessionCall(rid.asLong(), kind.asText(), node);
  }
}
