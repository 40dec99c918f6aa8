package io.brine.cli.key;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import io.brine.master.pki.ImportedKey;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyImport;
import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import io.brine.protocol.MinionId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The keys of a running master, through {@code /v1/brine/keys} and {@code
 * keys/accept|reject|delete|public} (token required). The first listing is kept: one command lists
 * once, expands its globs against that listing, then makes one change.
 *
 * <p>The ids of a change go in batches of at most {@link #BATCH_BYTES} bytes of JSON, because the
 * master reads no body over its {@code max_request_bytes} (64 KiB by default, about 4,000 ids):
 * {@code brine key -A} with more pending keys than that got a 413 (issue 14). A master configured
 * with a smaller limit answers a batch 413 before reading it, so nothing of that batch happened;
 * the batch is then halved and sent again. Batches are independent requests: a failure part-way
 * leaves the earlier batches done, and running the command again does the rest.
 */
final class OnlineKeys implements KeyStore {
  /** Half the master's default {@code max_request_bytes}. */
  static final int BATCH_BYTES = 32 * 1024;

  /** The JSON around the ids: braces, the "ids" key, the include_* flags. */
  private static final int BODY_OVERHEAD_BYTES = 128;

  private static final int TOO_LARGE = 413;

  private final OperatorClient api;
  private int batchBytes = BATCH_BYTES;
  private Map<KeyStatus, List<MinionId>> listed;
  private JsonNode publicKeys;

  OnlineKeys(OperatorClient api) {
    this.api = api;
  }

  @Override
  public Map<KeyStatus, List<MinionId>> list() {
    if (listed == null) {
      JsonNode body = api.get("/v1/brine/keys");
      Map<KeyStatus, List<MinionId>> all = new EnumMap<>(KeyStatus.class);
      for (KeyStatus status : KeyStatus.values()) {
        List<MinionId> ids = new ArrayList<>();
        for (JsonNode id : body.path(status.dirName())) {
          ids.add(id(id.asText()));
        }
        all.put(status, List.copyOf(ids));
      }
      listed = all;
    }
    return listed;
  }

  @Override
  public KeyChanges accept(
      Collection<MinionId> ids, boolean includeRejected, boolean includeDenied) {
    return changes(
        ids,
        batch -> {
          Map<String, Object> body = body(batch);
          body.put("include_rejected", includeRejected);
          body.put("include_denied", includeDenied);
          return api.put("/v1/brine/keys/accept", body);
        });
  }

  @Override
  public KeyChanges reject(
      Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied) {
    return changes(
        ids,
        batch -> {
          Map<String, Object> body = body(batch);
          body.put("include_accepted", includeAccepted);
          body.put("include_denied", includeDenied);
          return api.put("/v1/brine/keys/reject", body);
        });
  }

  @Override
  public KeyChanges delete(Collection<MinionId> ids) {
    return changes(ids, batch -> api.put("/v1/brine/keys/delete", body(batch)));
  }

  @Override
  public Map<KeyStatus, Map<MinionId, String>> publicKeys(Collection<MinionId> ids) {
    Map<KeyStatus, Map<MinionId, String>> all = new EnumMap<>(KeyStatus.class);
    for (KeyStatus status : KeyStatus.values()) {
      all.put(status, new TreeMap<>());
    }
    inBatches(
        ids,
        batch -> api.put("/v1/brine/keys/public", body(batch)),
        answer -> {
          publicKeys = answer;
          for (KeyStatus status : KeyStatus.values()) {
            Map<MinionId, String> byId = all.get(status);
            answer
                .path(status.dirName())
                .properties()
                .forEach(e -> byId.put(id(e.getKey()), e.getValue().asText()));
          }
        });
    return all;
  }

  /** From the answer of {@link #publicKeys}, which a fingerprint listing asks for first. */
  @Override
  public Optional<String> masterPublicKeyPem() {
    JsonNode master = publicKeys == null ? null : publicKeys.path("master");
    return master == null || !master.isTextual() ? Optional.empty() : Optional.of(master.asText());
  }

  @Override
  public boolean online() {
    return true;
  }

  /**
   * {@code PUT /v1/brine/keys/import} in batches within the master's bounds: at most {@link
   * ImportedKey#MAX_BATCH} keys and {@link #BATCH_BYTES} of JSON each (halved on a 413, as the
   * other changes are), an id's keys always in one batch so the master sees all its states at
   * once. Batches are independent: one that fails leaves the earlier ones done, and an import run
   * again reports those unchanged.
   */
  KeyImport importKeys(List<ImportedKey> keys, boolean dryRun) {
    List<List<ImportedKey>> byId = new ArrayList<>();
    for (ImportedKey key : keys) {
      List<ImportedKey> last = byId.isEmpty() ? null : byId.get(byId.size() - 1);
      if (last != null && last.get(0).id().equals(key.id())) {
        last.add(key);
      } else {
        byId.add(new ArrayList<>(List.of(key)));
      }
    }
    List<KeyImport.Placed> imported = new ArrayList<>();
    List<KeyImport.Placed> unchanged = new ArrayList<>();
    List<KeyChanges.Refusal> conflicts = new ArrayList<>();
    int from = 0;
    while (from < byId.size()) {
      int to = from;
      int count = 0;
      long bytes = BODY_OVERHEAD_BYTES;
      while (to < byId.size()) {
        List<ImportedKey> next = byId.get(to);
        long more = next.stream().mapToLong(OnlineKeys::jsonBytes).sum();
        if (to > from
            && (count + next.size() > ImportedKey.MAX_BATCH || bytes + more > batchBytes)) {
          break;
        }
        bytes += more;
        count += next.size();
        to++;
      }
      List<Map<String, Object>> batch = new ArrayList<>();
      byId.subList(from, to).forEach(keysOfId -> keysOfId.forEach(k -> batch.add(json(k))));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("keys", batch);
      body.put("dry_run", dryRun);
      JsonNode answer;
      try {
        answer = api.put("/v1/brine/keys/import", body);
      } catch (OperatorClient.ApiError e) {
        if (e.status() == TOO_LARGE && to - from > 1) {
          batchBytes = Math.max(1, batchBytes / 2);
          continue; // the master read none of it: the same keys in smaller batches
        }
        throw e;
      }
      if (answer == null || !answer.path("keys").isArray()) {
        throw new CliException("the master's answer has no list of imported keys");
      }
      for (JsonNode k : answer.path("keys")) {
        KeyImport.Placed placed =
            new KeyImport.Placed(id(k.path("id").asText()), label(k.path("status").asText()));
        switch (k.path("result").asText()) {
          case "imported" -> imported.add(placed);
          case "unchanged" -> unchanged.add(placed);
          case "conflict" -> { } // listed with its reason below
          default -> throw new CliException("the master's answer holds an unknown import result");
        }
      }
      for (JsonNode c : answer.path("conflicts")) {
        conflicts.add(
            new KeyChanges.Refusal(
                id(c.path("id").asText()),
                label(c.path("status").asText()),
                c.path("reason").asText()));
      }
      from = to;
    }
    return new KeyImport(imported, unchanged, conflicts, dryRun);
  }

  /** One key's JSON, e.g. {@code {"id":"web1","status":"accepted","pem":"-----BEGIN..."}}. */
  private static Map<String, Object> json(ImportedKey key) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("id", key.id().value());
    k.put("status", KeyRules.label(key.status()));
    k.put("pem", key.pem());
    return k;
  }

  /** A key's JSON, bounded above: a PEM is ASCII, and JSON escapes only its line ends. */
  private static long jsonBytes(ImportedKey key) {
    long lines = key.pem().chars().filter(c -> c == '\n').count();
    return key.id().value().length() + key.pem().length() + lines + 48;
  }

  private static KeyStatus label(String name) {
    KeyStatus status = ImportedKey.status(name);
    if (status == null) {
      throw new CliException("the master's answer holds an unknown key status '" + name + "'");
    }
    return status;
  }

  /** {@code PUT /v1/brine/keys/rotate}: the new publish-key epoch. */
  static int rotate(OperatorClient api) {
    JsonNode epoch = api.put("/v1/brine/keys/rotate", null).path("epoch");
    if (!epoch.canConvertToInt()) {
      throw new CliException("the master's answer has no epoch");
    }
    return epoch.asInt();
  }

  /** One change in batches, their outcomes joined: rotated if any batch rotated. */
  private KeyChanges changes(
      Collection<MinionId> ids, Function<List<MinionId>, JsonNode> send) {
    List<KeyChanges.Change> changed = new ArrayList<>();
    List<KeyChanges.Refusal> refused = new ArrayList<>();
    boolean[] rotated = {false};
    inBatches(
        ids,
        send,
        answer -> {
          KeyChanges part = changes(answer);
          changed.addAll(part.changes());
          refused.addAll(part.refused());
          rotated[0] |= part.acceptedKeyRemoved();
        });
    return new KeyChanges(changed, refused, rotated[0]);
  }

  /**
   * Sends {@code ids} in batches of at most {@link #batchBytes} bytes of JSON (one id at least),
   * halving the batches for a master that answers 413. No ids is one request with none (the
   * master's answer to that, e.g. its own public key for {@code -F}, is still wanted).
   */
  private void inBatches(
      Collection<MinionId> ids, Function<List<MinionId>, JsonNode> send, Consumer<JsonNode> take) {
    List<MinionId> all = List.copyOf(ids);
    int from = 0;
    do {
      int to = from;
      long bytes = BODY_OVERHEAD_BYTES;
      while (to < all.size() && (to == from || bytes + jsonBytes(all.get(to)) <= batchBytes)) {
        bytes += jsonBytes(all.get(to));
        to++;
      }
      JsonNode answer;
      try {
        answer = send.apply(all.subList(from, to));
      } catch (OperatorClient.ApiError e) {
        if (e.status() == TOO_LARGE && to - from > 1) {
          batchBytes = Math.max(1, batchBytes / 2);
          continue; // the master read none of it: send the same ids in smaller batches
        }
        throw e;
      }
      take.accept(answer);
      from = to;
    } while (from < all.size());
  }

  /** The id as a JSON string with its comma: ids are ASCII with nothing JSON escapes. */
  private static int jsonBytes(MinionId id) {
    return id.value().length() + 3;
  }

  private static Map<String, Object> body(Collection<MinionId> ids) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ids", ids.stream().map(MinionId::value).toList());
    return body;
  }

  private static KeyChanges changes(JsonNode body) {
    if (body == null || !body.path("changed").isArray()) {
      throw new CliException("the master's answer has no list of changed keys");
    }
    List<KeyChanges.Change> changes = new ArrayList<>();
    for (JsonNode c : body.path("changed")) {
      JsonNode to = c.path("to");
      changes.add(
          new KeyChanges.Change(
              id(c.path("id").asText()),
              status(c.path("from").asText()),
              to.isNull() || to.isMissingNode() ? null : status(to.asText())));
    }
    List<KeyChanges.Refusal> refused = new ArrayList<>();
    for (JsonNode r : body.path("refused")) {
      refused.add(
          new KeyChanges.Refusal(
              id(r.path("id").asText()),
              status(r.path("status").asText()),
              r.path("reason").asText()));
    }
    return new KeyChanges(changes, refused, body.path("rotated").asBoolean());
  }

  private static MinionId id(String text) {
    if (!MinionId.isValid(text)) {
      throw new CliException("the master's answer holds an invalid minion id");
    }
    return MinionId.of(text);
  }

  private static KeyStatus status(String dirName) {
    for (KeyStatus status : KeyStatus.values()) {
      if (status.dirName().equals(dirName)) {
        return status;
      }
    }
    throw new CliException("the master's answer holds an unknown key status '" + dirName + "'");
  }
}
