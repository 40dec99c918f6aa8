package io.brine.vault.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.IntegrityException;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named ACL policies, kept in the barrier under {@code sys/policy/<name>} (OpenBao's place) as
 * {@code {"name", "policy", "version", "modified"}}: the text exactly as written, parsed again when
 * read. Names are normalized by {@link PolicyParser#checkName} (trimmed, lower case) everywhere.
 *
 * <p>Built-ins, as in OpenBao: {@code root} is never stored, cannot be written or deleted, and
 * allows everything. {@code default} is served from {@link #DEFAULT_POLICY_TEXT} until it is first
 * written; from then on the stored text counts, and it can be edited but not deleted.
 *
 * <p>Parsed policies are cached by name; a put or delete replaces or drops the entry, so an edit
 * applies to the very next request (a token's policies are names, read anew each time). Writes are
 * serialized; {@link #put} parses before it writes, so bad text stores nothing. Thread-safe.
 */
public final class PolicyStore {
  public static final String ROOT = "root";
  public static final String DEFAULT = "default";

  /** Where policies live in the barrier. */
  static final String PREFIX = "sys/policy/";

  /**
   * Brine's {@code default} policy: OpenBao's token self-service paths that brine serves, and
   * nothing else.
   */
  public static final String DEFAULT_POLICY_TEXT =
      "# Every token may read its own entry.\n"
          + "path \"auth/token/lookup-self\" {\n"
          + "  capabilities = [\"read\"]\n"
          + "}\n"
          + "\n"
          + "# ... extend its own life, within its limits.\n"
          + "path \"auth/token/renew-self\" {\n"
          + "  capabilities = [\"update\"]\n"
          + "}\n"
          + "\n"
          + "# ... give itself up.\n"
          + "path \"auth/token/revoke-self\" {\n"
          + "  capabilities = [\"update\"]\n"
          + "}\n"
          + "\n"
          + "# ... and ask what it may do on a path.\n"
          + "path \"sys/capabilities-self\" {\n"
          + "  capabilities = [\"update\"]\n"
          + "}\n";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Storage barrier;
  private final Clock clock;
  private final Map<String, Policy> cache = new ConcurrentHashMap<>();
  private final Object writes = new Object();
  private final Policy builtInDefault;

  public PolicyStore(Storage barrier) {
    this(barrier, Clock.systemUTC());
  }

  public PolicyStore(Storage barrier, Clock clock) {
    this.barrier = Objects.requireNonNull(barrier, "barrier");
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      this.builtInDefault = PolicyParser.parse(DEFAULT, DEFAULT_POLICY_TEXT);
    } catch (InvalidRequestException e) {
      throw new IllegalStateException("the built-in default policy does not parse", e);
    }
  }

  /** The policy {@code name}, built-ins included; empty when there is none. */
  public Optional<Policy> get(String name) throws VaultException {
    String n = PolicyParser.checkName(name);
    if (n.equals(ROOT)) {
      return Optional.of(Policy.ROOT);
    }
    Policy cached = cache.get(n);
    if (cached != null) {
      return Optional.of(cached);
    }
    synchronized (writes) {
      // Under the write lock, so a put cannot land between our read and our cache fill.
      cached = cache.get(n);
      if (cached != null) {
        return Optional.of(cached);
      }
      Optional<Policy> read = read(n);
      if (read.isEmpty() && n.equals(DEFAULT)) {
        read = Optional.of(builtInDefault);
      }
      read.ifPresent(p -> cache.put(n, p));
      return read;
    }
  }

  /**
   * Parses {@code text} and stores it as the policy {@code name}, replacing any earlier one.
   *
   * @throws InvalidRequestException for a bad name, text that does not parse (nothing is stored),
   *     or {@code root}
   */
  public Policy put(String name, String text) throws VaultException {
    String n = PolicyParser.checkName(name);
    if (n.equals(ROOT)) {
      throw new InvalidRequestException("cannot update \"root\" policy");
    }
    Policy parsed = PolicyParser.parse(n, text);
    synchronized (writes) {
      int version = read(n).map(Policy::version).orElse(0) + 1;
      Policy stored = parsed.stored(version, clock.instant());
      ObjectNode record = JSON.createObjectNode();
      record.put("name", n);
      record.put("policy", stored.text());
      record.put("version", version);
      record.put("modified", stored.modified().orElseThrow().toString());
      byte[] bytes;
      try {
        bytes = JSON.writeValueAsBytes(record);
      } catch (IOException e) {
        throw new VaultException("cannot encode policy " + QuotedText.of(n), e);
      }
      cache.remove(n);
      barrier.put(PREFIX + n, bytes);
      cache.put(n, stored);
      return stored;
    }
  }

  /**
   * Removes the policy {@code name}; removing one that does not exist is not an error.
   *
   * @throws InvalidRequestException for {@code root} and {@code default}, which cannot be deleted
   */
  public void delete(String name) throws VaultException {
    String n = PolicyParser.checkName(name);
    if (n.equals(ROOT)) {
      throw new InvalidRequestException("cannot delete \"root\" policy");
    }
    if (n.equals(DEFAULT)) {
      throw new InvalidRequestException("cannot delete default policy");
    }
    synchronized (writes) {
      cache.remove(n);
      barrier.delete(PREFIX + n);
    }
  }

  /** Every policy's name, sorted, {@code default} and {@code root} included. */
  public List<String> list() throws VaultException {
    TreeSet<String> names = new TreeSet<>();
    for (String key : barrier.list(PREFIX)) {
      if (!key.endsWith("/")) {
        names.add(key);
      }
    }
    names.add(DEFAULT);
    names.add(ROOT);
    return List.copyOf(names);
  }

  /**
   * The ACL of a token with {@code policyNames}. A name that names no policy (or could not name
   * one) adds nothing, as in OpenBao, where a token may outlive a deleted policy.
   */
  public Acl acl(List<String> policyNames) throws VaultException {
    List<Policy> policies = new ArrayList<>();
    for (String name : policyNames) {
      String n;
      try {
        n = PolicyParser.checkName(name);
      } catch (InvalidRequestException e) {
        continue;
      }
      get(n).ifPresent(policies::add);
    }
    return Acl.of(policies, clock.instant());
  }

  private Optional<Policy> read(String name) throws VaultException {
    Optional<byte[]> raw = barrier.get(PREFIX + name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    JsonNode record;
    try {
      record = JSON.readTree(new String(raw.get(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IntegrityException("stored policy " + QuotedText.of(name) + " is not JSON");
    }
    JsonNode text = record == null ? null : record.get("policy");
    JsonNode version = record == null ? null : record.get("version");
    JsonNode modified = record == null ? null : record.get("modified");
    if (text == null
        || !text.isTextual()
        || version == null
        || !version.canConvertToInt()
        || modified == null
        || !modified.isTextual()) {
      throw new IntegrityException("stored policy " + QuotedText.of(name) + " is incomplete");
    }
    Policy parsed;
    Instant when;
    try {
      parsed = PolicyParser.parse(name, text.asText());
      when = Instant.parse(modified.asText());
    } catch (InvalidRequestException | DateTimeParseException e) {
      // It parsed when it was written: the parser changed or the record did.
      throw new VaultException(
          "stored policy " + QuotedText.of(name) + " no longer parses: " + e.getMessage());
    }
    return Optional.of(parsed.stored(version.asInt(), when));
  }
}
