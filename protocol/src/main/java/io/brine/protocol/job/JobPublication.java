package io.brine.protocol.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.ProtocolException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A job as the master publishes it (the plaintext of a PUBLISH, docs/protocol.md §5):
 *
 * <pre>
 *   {"kind":"job", "jid":"20261123093000123456", "ts":1795426200123, "tgt":"web*",
 *    "tgt_type":"glob", "fun":"cmd.run", "arg":["uname -a"], "kwarg":{"cwd":"/tmp"},
 *    "timeout":30}
 * </pre>
 *
 * A grain target whose {@code delimiter} is not Salt's default {@code :} carries it as {@code
 * "delimiter"}; a nodegroup is published as the compound expression the master expanded it to.
 *
 * <p>{@code ts} is when the master made the publication (milliseconds since the epoch, UTC). It is
 * inside the plaintext, so the master's signature covers it: a minion refuses a publication whose
 * time is too old or too far ahead, which is what stops a recorded publication from running again
 * once its minion's memory of jids is gone (Salt's CVE-2022-22936). Arguments stay JSON trees: the
 * minion's functions read them as they need. Immutable.
 *
 * @param published when the master made the publication ({@code ts}), at millisecond precision
 */
public record JobPublication(
    String jid,
    Instant published,
    Target target,
    String fun,
    ArrayNode args,
    ObjectNode kwargs,
    Duration timeout) {
  /** Salt's jid: 20 digits, YYYYmmddHHMMSSffffff. */
  private static final Pattern JID = Pattern.compile("[0-9]{20}");

  /** module.function, Salt's names: lower-case letters, digits and underscores. */
  private static final Pattern FUN = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  private static final Set<String> FIELDS =
      Set.of(
          "kind", "jid", "ts", "tgt", "tgt_type", "delimiter", "fun", "arg", "kwarg", "timeout");

  public JobPublication {
    Objects.requireNonNull(published, "published");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(kwargs, "kwargs");
    if (jid == null || !JID.matcher(jid).matches()) {
      throw new IllegalArgumentException("jid must be 20 digits");
    }
    if (published.toEpochMilli() < 0) {
      throw new IllegalArgumentException("ts must not be before 1970");
    }
    // The wire carries milliseconds: a value that round-trips equals itself.
    published = Instant.ofEpochMilli(published.toEpochMilli());
    if (!isFunctionName(fun)) {
      throw new IllegalArgumentException("fun must look like module.function");
    }
    if (timeout == null
        || timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout must be 1 s to 1 day");
    }
  }

  public static boolean isJid(String jid) {
    return jid != null && JID.matcher(jid).matches();
  }

  public static boolean isFunctionName(String fun) {
    return fun != null && fun.length() <= 128 && FUN.matcher(fun).matches();
  }

  public byte[] toJson() {
    ObjectNode node = JobJson.MAPPER.createObjectNode();
    node.put("kind", "job");
    node.put("jid", jid);
    node.put("ts", published.toEpochMilli());
    node.put("tgt", target.expression());
    node.put("tgt_type", target.type().wireName());
    if (!target.delimiter().equals(Target.DEFAULT_DELIMITER)) {
      // Only when it is not Salt's default, so a publication without one reads as before.
      node.put("delimiter", target.delimiter());
    }
    node.put("fun", fun);
    node.set("arg", args);
    node.set("kwarg", kwargs);
    node.put("timeout", timeout.toSeconds());
    return JobJson.bytes(node);
  }

  /** @throws ProtocolException with one line when {@code json} is not a well-formed job */
  public static JobPublication parse(byte[] json) throws ProtocolException {
    ObjectNode node = JobJson.object("job", json);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new ProtocolException("job has an unknown field '" + name + "'");
      }
    }
    if (!"job".equals(text(node, "kind"))) {
      throw new ProtocolException("publication is not a job");
    }
    JsonNode args = node.get("arg");
    JsonNode kwargs = node.get("kwarg");
    JsonNode timeout = node.get("timeout");
    JsonNode ts = node.get("ts");
    if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong()) {
      throw new ProtocolException("job field 'ts' must be a whole number of milliseconds");
    }
    if (args == null || !args.isArray()) {
      throw new ProtocolException("job field 'arg' must be an array");
    }
    if (kwargs == null || !kwargs.isObject()) {
      throw new ProtocolException("job field 'kwarg' must be an object");
    }
    if (timeout == null || !timeout.canConvertToLong()) {
      throw new ProtocolException("job field 'timeout' must be a whole number of seconds");
    }
    String delimiter = node.has("delimiter") ? text(node, "delimiter") : Target.DEFAULT_DELIMITER;
    Target target = Target.of(text(node, "tgt_type"), text(node, "tgt"), delimiter);
    try {
      return new JobPublication(
          text(node, "jid"),
          Instant.ofEpochMilli(ts.asLong()),
          target,
          text(node, "fun"),
          (ArrayNode) args,
          (ObjectNode) kwargs,
          Duration.ofSeconds(timeout.asLong()));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("job " + e.getMessage());
    }
  }

  private static String text(ObjectNode node, String field) throws ProtocolException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new ProtocolException("job field '" + field + "' must be a string");
    }
    return value.asText();
  }
}
