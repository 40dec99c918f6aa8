package io.brine.master.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The job cache's two record formats (the files of {@link JobCache}, and the plaintext that
 * {@link io.brine.master.jobs.shared.SharedJobCache} encrypts into its rows), field by field in Salt's names (written out here rather than
 * derived, so renaming a record component cannot change what is on disk):
 *
 * <pre>
 * job.json:        {"jid", "fun", "arg", "kwarg", "tgt", "tgt_type", "minions", "missing",
 *                   "started"}
 * returns.log:     one per line: {"id", "fun", "return", "retcode", "success", "received"}
 * </pre>
 *
 * Minion ids are their string value, instants ISO-8601 UTC. Unknown fields are ignored, so a
 * later version can add some.
 */
public final class JobJson {
  /**
   * Shared and thread-safe. Strict reading: a duplicated key or anything after the JSON value
   * makes the file damaged rather than a guess.
   */
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final TypeReference<List<Object>> LIST = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /** The file's content is not what brine writes: truncated, not JSON, a field missing or wrong. */
  public static final class MalformedException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  private JobJson() {}

  /**
   * @throws IllegalArgumentException when an argument is not a JSON value
   */
  public static byte[] write(JobRecord job) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("jid", job.jid());
    o.put("fun", job.fun());
    o.set("arg", json(job.args(), job.jid()));
    o.set("kwarg", json(job.kwargs(), job.jid()));
    o.put("tgt", job.target());
    o.put("tgt_type", job.targetType());
    o.set("minions", ids(job.minions()));
    o.set("missing", ids(job.missing()));
    o.put("started", job.started().toString());
    if (job.timeout() != null) {
      o.put("timeout", job.timeout().toSeconds());
    }
    return bytes(o);
  }

  /**
   * @throws IllegalArgumentException when the return value is not a JSON value
   */
  public static byte[] write(JobReturn ret) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", ret.id().value());
    o.put("fun", ret.fun());
    o.set("return", json(ret.ret(), ret.id().value()));
    o.put("retcode", ret.retcode());
    o.put("success", ret.success());
    o.put("received", ret.received().toString());
    return bytes(o);
  }

  /**
   * SHA-256 of what the minion said (fun, return, retcode, success), not of when it arrived: the
   * same return sent twice has one digest, a different second return another. Both the return
   * from the wire and the one read back from the log are JSON turned into Java values, and those
   * serialize alike.
   *
   * @throws IllegalArgumentException when the return value is not a JSON value
   */
  public static byte[] contentDigest(JobReturn ret) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("fun", ret.fun());
    o.set("return", json(ret.ret(), ret.id().value()));
    o.put("retcode", ret.retcode());
    o.put("success", ret.success());
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes(o));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public static JobRecord readJob(byte[] content) throws MalformedException {
    ObjectNode o = object(content);
    try {
      return new JobRecord(
          text(o, "jid"),
          text(o, "fun"),
          MAPPER.convertValue(array(o, "arg"), LIST),
          MAPPER.convertValue(objectField(o, "kwarg"), MAP),
          text(o, "tgt"),
          text(o, "tgt_type"),
          minionIds(o, "minions"),
          minionIds(o, "missing"),
          instant(o, "started"),
          timeout(o));
    } catch (IllegalArgumentException e) { // a record or MinionId check
      throw new MalformedException(e.getMessage());
    }
  }

  /** A job recorded before brine kept the timeout has none. */
  private static Duration timeout(ObjectNode o) throws MalformedException {
    JsonNode timeout = o.get("timeout");
    if (timeout == null) {
      return null;
    }
    if (!timeout.canConvertToLong() || timeout.asLong() < 0) {
      throw new MalformedException("timeout is not a whole number of seconds");
    }
    return Duration.ofSeconds(timeout.asLong());
  }

  public static JobReturn readReturn(byte[] content) throws MalformedException {
    ObjectNode o = object(content);
    JsonNode retcode = field(o, "retcode");
    if (!retcode.canConvertToInt() || !retcode.isIntegralNumber()) {
      throw new MalformedException("\"retcode\" is not an integer");
    }
    JsonNode success = field(o, "success");
    if (!success.isBoolean()) {
      throw new MalformedException("\"success\" is not true or false");
    }
    try {
      return new JobReturn(
          MinionId.of(text(o, "id")),
          text(o, "fun"),
          MAPPER.treeToValue(field(o, "return"), Object.class),
          retcode.intValue(),
          success.booleanValue(),
          instant(o, "received"));
    } catch (JsonProcessingException e) {
      throw new MalformedException("\"return\" cannot be read: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) { // MinionId.of
      throw new MalformedException(e.getMessage());
    }
  }

  private static JsonNode json(Object value, String owner) {
    try {
      return MAPPER.valueToTree(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(owner + ": a value is not JSON: " + e.getMessage(), e);
    }
  }

  private static ArrayNode ids(List<MinionId> ids) {
    ArrayNode a = MAPPER.createArrayNode();
    ids.forEach(id -> a.add(id.value()));
    return a;
  }

  private static byte[] bytes(ObjectNode o) {
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static ObjectNode object(byte[] content) throws MalformedException {
    if (content.length == 0) {
      throw new MalformedException("empty file");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(content);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new MalformedException("not JSON: " + oneLine(why));
    }
    if (node == null || !node.isObject()) {
      throw new MalformedException("not a JSON object");
    }
    return (ObjectNode) node;
  }

  private static JsonNode field(ObjectNode o, String name) throws MalformedException {
    JsonNode n = o.get(name);
    if (n == null) {
      throw new MalformedException("has no \"" + name + "\"");
    }
    return n;
  }

  private static String text(ObjectNode o, String name) throws MalformedException {
    JsonNode n = field(o, name);
    if (!n.isTextual()) {
      throw new MalformedException("\"" + name + "\" is not a string");
    }
    return n.textValue();
  }

  private static JsonNode array(ObjectNode o, String name) throws MalformedException {
    JsonNode n = field(o, name);
    if (!n.isArray()) {
      throw new MalformedException("\"" + name + "\" is not a list");
    }
    return n;
  }

  private static JsonNode objectField(ObjectNode o, String name) throws MalformedException {
    JsonNode n = field(o, name);
    if (!n.isObject()) {
      throw new MalformedException("\"" + name + "\" is not an object");
    }
    return n;
  }

  private static List<MinionId> minionIds(ObjectNode o, String name) throws MalformedException {
    List<MinionId> ids = new ArrayList<>();
    for (JsonNode n : array(o, name)) {
      if (!n.isTextual()) {
        throw new MalformedException("\"" + name + "\" holds something that is not a string");
      }
      ids.add(MinionId.of(n.textValue()));
    }
    return ids;
  }

  private static Instant instant(ObjectNode o, String name) throws MalformedException {
    try {
      return Instant.parse(text(o, name));
    } catch (DateTimeException e) {
      throw new MalformedException("\"" + name + "\" is not an ISO-8601 instant");
    }
  }

  /** Jackson's messages may span lines; a log line must not. */
  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
  }
}
