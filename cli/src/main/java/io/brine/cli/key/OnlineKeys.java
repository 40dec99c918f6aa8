package io.brine.cli.key;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import io.brine.master.pki.KeyChanges;
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

/**
 * The keys of a running master, through {@code /v1/brine/keys} and {@code
 * keys/accept|reject|delete|public} (token required). The first listing is kept: one command lists once,
 * expands its globs against that listing, then makes one change.
 */
final class OnlineKeys implements KeyStore {
  private final OperatorClient api;
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
    Map<String, Object> body = body(ids);
    body.put("include_rejected", includeRejected);
    body.put("include_denied", includeDenied);
    return changes(api.put("/v1/brine/keys/accept", body));
  }

  @Override
  public KeyChanges reject(
      Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied) {
    Map<String, Object> body = body(ids);
    body.put("include_accepted", includeAccepted);
    body.put("include_denied", includeDenied);
    return changes(api.put("/v1/brine/keys/reject", body));
  }

  @Override
  public KeyChanges delete(Collection<MinionId> ids) {
    return changes(api.put("/v1/brine/keys/delete", body(ids)));
  }

  @Override
  public Map<KeyStatus, Map<MinionId, String>> publicKeys(Collection<MinionId> ids) {
    publicKeys = api.put("/v1/brine/keys/public", body(ids));
    Map<KeyStatus, Map<MinionId, String>> all = new EnumMap<>(KeyStatus.class);
    for (KeyStatus status : KeyStatus.values()) {
      Map<MinionId, String> byId = new TreeMap<>();
      publicKeys
          .path(status.dirName())
          .fields()
          .forEachRemaining(e -> byId.put(id(e.getKey()), e.getValue().asText()));
      all.put(status, byId);
    }
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

  /** {@code PUT /v1/brine/keys/rotate}: the new publish-key epoch. */
  static int rotate(OperatorClient api) {
    JsonNode epoch = api.put("/v1/brine/keys/rotate", null).path("epoch");
    if (!epoch.canConvertToInt()) {
      throw new CliException("the master's answer has no epoch");
    }
    return epoch.asInt();
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
