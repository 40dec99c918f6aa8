package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.pki.ImportedKey;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyImport;
import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import io.brine.protocol.MinionId;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.brine.vault.policy.Capability;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code brine key} through a running master, token-authenticated:
 *
 * <ul>
 *   <li>{@code GET /v1/brine/keys}: every key by status in Salt's shape ({@code minions}, {@code
 *       minions_pre}, {@code minions_rejected}, {@code minions_denied}).
 *   <li>{@code PUT|POST /v1/brine/keys/accept|reject|delete} with {@code {"ids":[...],
 *       "include_rejected", "include_accepted", "include_denied"}}: the key store's transition on
 *       the master's own instance, then {@link MinionKeys#onChanged} (a removed accepted key closes
 *       that minion's connection and rotates the publish key before the answer). Answers {@code
 *       {"changed":[{"id","from","to"}],"refused":[{"id","status","reason"}],"rotated":bool}},
 *       statuses by folder name, {@code to} null for a delete.
 *   <li>{@code PUT|POST /v1/brine/keys/import} (sudo) with {@code {"keys":[{"id","status","pem"}],
 *       "dry_run":bool}}, at most {@value ImportedKey#MAX_BATCH} keys, statuses {@code accepted},
 *       {@code pending}, {@code rejected}, {@code denied}: {@code brine key --import} copying
 *       another master's folder in ({@link io.brine.master.pki.MinionKeyStore#importKeys}). Every
 *       key is checked before the store is touched (a bad one is a 400 naming it, nothing
 *       written). Answers {@code {"imported":{"accepted":n,...},"unchanged":n,
 *       "conflicts":[{"id","status","reason"}],"keys":[{"id","status","result"}],"dry_run":bool}},
 *       {@code result} one of {@code imported}, {@code unchanged}, {@code conflict}.
 *   <li>{@code PUT|POST /v1/brine/keys/public} with {@code {"ids":[...]}}: the public key PEMs of
 *       those ids in every status, {@code {"minions":{"web1":"-----BEGIN..."}, "minions_pre":{},
 *       ..., "master":"-----BEGIN..."}} ({@code master} null before the first unseal made the
 *       key), for {@code brine key -p/-f} when the operator cannot read the master's folder.
 * </ul>
 */
final class MinionKeyEndpoints {
  private final MinionKeys keys;

  MinionKeyEndpoints(MinionKeys keys) {
    this.keys = keys;
  }

  /** The policy path of the key list ({@code brine key -L}) and of reading keys ({@code -p, -f}). */
  static final String KEYS = "brine/keys";

  void register(Routes.Builder routes) {
    routes
        .unsealed("/v1/brine/keys", Access.token().as(KEYS, Capability.LIST), this::list, GET)
        .unsealed("/v1/brine/keys/accept", this::accept, PUT, POST)
        .unsealed("/v1/brine/keys/reject", this::reject, PUT, POST)
        .unsealed("/v1/brine/keys/delete", this::delete, PUT, POST)
        // sudo: it writes key material of the caller's choosing, accepted at once
        .unsealed("/v1/brine/keys/import", Access.token().sudo(), this::importKeys, PUT, POST)
        .unsealed(
            "/v1/brine/keys/public",
            Access.token().as(KEYS, Capability.READ),
            this::publicKeys,
            PUT,
            POST);
  }

  private ApiResponse list(ApiRequest request) throws VaultException {
    Map<KeyStatus, List<MinionId>> all;
    try {
      all = keys.pki().list();
    } catch (IOException e) {
      throw failed("list", e);
    }
    ObjectNode body = ApiJson.object();
    for (KeyStatus status : KeyStatus.values()) {
      ArrayNode ids = body.putArray(status.dirName());
      all.get(status).forEach(id -> ids.add(id.value()));
    }
    return ApiResponse.ok(body);
  }

  private ApiResponse accept(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    List<MinionId> ids = ids(body);
    boolean rejected = body.bool("include_rejected");
    boolean denied = body.bool("include_denied");
    try {
      return changed(keys.pki().accept(ids, rejected, denied));
    } catch (IOException e) {
      throw failed("accept", e);
    }
  }

  private ApiResponse reject(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    List<MinionId> ids = ids(body);
    boolean accepted = body.bool("include_accepted");
    boolean denied = body.bool("include_denied");
    try {
      return changed(keys.pki().reject(ids, accepted, denied));
    } catch (IOException e) {
      throw failed("reject", e);
    }
  }

  private ApiResponse delete(ApiRequest request) throws VaultException {
    List<MinionId> ids = ids(request.body());
    try {
      return changed(keys.pki().delete(ids));
    } catch (IOException e) {
      throw failed("delete", e);
    }
  }

  private ApiResponse importKeys(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    List<ImportedKey> checked = importedKeys(body);
    boolean dryRun = body.bool("dry_run");
    KeyImport result;
    try {
      result = keys.pki().importKeys(checked, dryRun);
    } catch (IOException e) {
      throw failed("import", e);
    }
    ObjectNode answer = ApiJson.object();
    ObjectNode counts = answer.putObject("imported");
    result.importedByStatus().forEach((status, n) -> counts.put(KeyRules.label(status), n));
    answer.put("unchanged", result.unchanged().size());
    ArrayNode conflicts = answer.putArray("conflicts");
    ArrayNode each = answer.putArray("keys");
    for (KeyChanges.Refusal conflict : result.conflicts()) {
      ObjectNode c = conflicts.addObject();
      c.put("id", conflict.id().value());
      c.put("status", KeyRules.label(conflict.status()));
      c.put("reason", conflict.reason());
      outcome(each, conflict.id(), conflict.status(), "conflict");
    }
    result.imported().forEach(p -> outcome(each, p.id(), p.status(), "imported"));
    result.unchanged().forEach(p -> outcome(each, p.id(), p.status(), "unchanged"));
    answer.put("dry_run", result.dryRun());
    return ApiResponse.ok(answer);
  }

  private static void outcome(ArrayNode each, MinionId id, KeyStatus status, String result) {
    ObjectNode o = each.addObject();
    o.put("id", id.value());
    o.put("status", KeyRules.label(status));
    o.put("result", result);
  }

  /**
   * {@code "keys"}: a non-empty array of at most {@value ImportedKey#MAX_BATCH} objects, each a
   * usable key ({@link ImportedKey#checked}) and each (id, status) once; 400 with one line naming
   * the first bad one otherwise.
   */
  static List<ImportedKey> importedKeys(JsonBody body) throws InvalidRequestException {
    JsonNode node = body.node("keys");
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new InvalidRequestException(
          "'keys' must be a non-empty array of {\"id\",\"status\",\"pem\"}");
    }
    if (node.size() > ImportedKey.MAX_BATCH) {
      throw new InvalidRequestException(
          "at most "
              + ImportedKey.MAX_BATCH
              + " keys per import request, not "
              + node.size()
              + ": send them in batches");
    }
    List<ImportedKey> keys = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode key : node) {
      if (!key.isObject()
          || !key.path("id").isTextual()
          || !key.path("status").isTextual()
          || !key.path("pem").isTextual()) {
        throw new InvalidRequestException(
            "each of 'keys' must be an object with string fields id, status and pem");
      }
      ImportedKey checked;
      try {
        checked =
            ImportedKey.checked(
                key.path("id").asText(), key.path("status").asText(), key.path("pem").asText());
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(e.getMessage());
      }
      if (!seen.add(checked.id().value() + "/" + checked.status())) {
        throw new InvalidRequestException(
            "key of "
                + checked.id()
                + " in "
                + KeyRules.label(checked.status())
                + " is given twice");
      }
      keys.add(checked);
    }
    return keys;
  }

  private ApiResponse publicKeys(ApiRequest request) throws VaultException {
    List<MinionId> ids = ids(request.body());
    ObjectNode body = ApiJson.object();
    try {
      for (KeyStatus status : KeyStatus.values()) {
        ObjectNode byId = body.putObject(status.dirName());
        for (MinionId id : ids) {
          keys.pki().publicKeyPem(status, id).ifPresent(pem -> byId.put(id.value(), pem));
        }
      }
      Optional<String> master = keys.pki().masterPublicKeyPem();
      if (master.isPresent()) {
        body.put("master", master.get());
      } else {
        body.putNull("master");
      }
    } catch (IOException e) {
      throw failed("read", e);
    }
    return ApiResponse.ok(body);
  }

  private ApiResponse changed(KeyChanges changes) {
    if (!changes.changes().isEmpty()) {
      keys.onChanged().accept(changes);
    }
    ObjectNode body = ApiJson.object();
    ArrayNode changed = body.putArray("changed");
    for (KeyChanges.Change change : changes.changes()) {
      ObjectNode c = changed.addObject();
      c.put("id", change.id().value());
      c.put("from", change.from().dirName());
      if (change.to() == null) {
        c.putNull("to");
      } else {
        c.put("to", change.to().dirName());
      }
    }
    ArrayNode refused = body.putArray("refused");
    for (KeyChanges.Refusal refusal : changes.refused()) {
      ObjectNode r = refused.addObject();
      r.put("id", refusal.id().value());
      r.put("status", refusal.status().dirName());
      r.put("reason", refusal.reason());
    }
    body.put("rotated", changes.acceptedKeyRemoved());
    return ApiResponse.ok(body);
  }

  /** {@code "ids"}: a non-empty array of valid minion ids; 400 with one line otherwise. */
  static List<MinionId> ids(JsonBody body) throws InvalidRequestException {
    JsonNode node = body.node("ids");
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new InvalidRequestException("'ids' must be a non-empty array of minion ids");
    }
    List<MinionId> ids = new ArrayList<>();
    for (JsonNode value : node) {
      if (!value.isTextual()) {
        throw new InvalidRequestException("'ids' must hold strings only");
      }
      try {
        ids.add(MinionId.of(value.asText()));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(e.getMessage());
      }
    }
    return ids;
  }

  private static VaultException failed(String what, IOException e) {
    return new VaultException("cannot " + what + " minion keys: " + e.getMessage(), e);
  }
}
