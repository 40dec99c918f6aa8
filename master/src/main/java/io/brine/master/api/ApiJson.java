package io.brine.master.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.ha.ClusterStatus;
import io.brine.vault.GenerateRootStatus;
import io.brine.vault.InitResult;
import io.brine.vault.KeyringStatus;
import io.brine.vault.RotationStatus;
import io.brine.vault.RotationUpdate;
import io.brine.vault.SealStatus;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The vault's answers in OpenBao's JSON, field by field (snake_case names, written out here rather
 * than derived, so a renamed record component cannot change the wire format).
 */
final class ApiJson {
  /**
   * Shared and thread-safe. Strict reading: a duplicated key (two "key" fields) or anything after
   * the JSON value is an error rather than a guess.
   */
  static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private ApiJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /**
   * OpenBao's answer on a logical path ({@code sdk/logical/translate_response.go}, {@code
   * HTTPResponse}): {@code data} inside an envelope its clients decode (the Go client reads
   * {@code data}; hvac returns the whole object). brine has no leases or response wrapping, so
   * those fields are OpenBao's zero values; {@code auth} is set by the token endpoints ({@link
   * #logical(JsonNode, JsonNode)}). The request id is random per answer, as OpenBao's is.
   */
  static ObjectNode logical(JsonNode data) {
    return logical(data, null);
  }

  /** As {@link #logical(JsonNode)}, with {@code auth} (null: JSON null, as OpenBao writes it). */
  static ObjectNode logical(JsonNode data, JsonNode auth) {
    ObjectNode o = object();
    o.put("request_id", UUID.randomUUID().toString());
    o.put("lease_id", "");
    o.put("renewable", false);
    o.put("lease_duration", 0);
    o.set("data", data);
    o.putNull("wrap_info");
    o.putNull("warnings");
    if (auth == null) {
      o.putNull("auth");
    } else {
      o.set("auth", auth);
    }
    return o;
  }

  /**
   * The logical envelope with {@code data}'s fields also at the top level: OpenBao answers so on
   * the paths its older clients read flat ({@code injectDataIntoTopRoutes} in {@code
   * internal/http/handler.go}: {@code sys/key-status}, {@code sys/policy}, {@code sys/audit}, ...).
   */
  static ObjectNode logicalWithDataOnTop(ObjectNode data) {
    ObjectNode envelope = logical(data);
    ObjectNode o = object();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      o.set(field.getKey(), field.getValue());
    }
    // The envelope's own fields win over a data field of the same name, as in OpenBao's injector
    // (it writes the data fields first, and a JSON reader keeps the last duplicate).
    o.setAll(envelope);
    return o;
  }

  /** {@code GET /v1/sys/leader} on a node without HA, exactly as OpenBao answers it. */
  static ObjectNode leaderWithoutHa() {
    return object().put("ha_enabled", false);
  }

  /** Go's zero time, which OpenBao reports when there is no active time to report. */
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  /**
   * {@code GET /v1/sys/leader} of an unsealed master of a cluster, OpenBao's fields; {@code
   * leader} null when no active master is known (empty address, zero time).
   */
  static ObjectNode leader(boolean isSelf, ClusterStatus.Leader leader) {
    ObjectNode o = object();
    o.put("ha_enabled", true);
    o.put("is_self", isSelf);
    o.put("active_time", leader == null ? ZERO_TIME : leader.activeTime().toString());
    o.put("leader_address", leader == null ? "" : leader.address());
    o.put("leader_cluster_address", "");
    o.put("performance_standby", false);
    o.put("performance_standby_last_remote_wal", 0);
    return o;
  }

  /**
   * {@code GET /v1/sys/seal-status}. The build date goes out under both names: Vault-era scripts
   * read {@code build_date}, OpenBao renamed it {@code commit_date}.
   */
  static ObjectNode sealStatus(SealStatus s, String buildDate) {
    ObjectNode o = object();
    o.put("type", s.type());
    o.put("initialized", s.initialized());
    o.put("sealed", s.sealed());
    o.put("t", s.t());
    o.put("n", s.n());
    o.put("progress", s.progress());
    o.put("nonce", s.nonce());
    o.put("version", s.version());
    o.put("build_date", buildDate);
    o.put("commit_date", buildDate);
    o.put("migration", s.migration());
    o.put("recovery_seal", s.recoverySeal());
    if (s.recoverySealType() != null) {
      o.put("recovery_seal_type", s.recoverySealType());
    }
    o.put("storage_type", s.storageType());
    return o;
  }

  static ObjectNode initResult(InitResult r) {
    ObjectNode o = object();
    strings(o, "keys", r.keys());
    strings(o, "keys_base64", r.keysBase64());
    strings(o, "recovery_keys", r.recoveryKeys());
    strings(o, "recovery_keys_base64", r.recoveryKeysBase64());
    o.put("root_token", r.rootToken());
    return o;
  }

  /**
   * {@code sys/key-status}: the {@code data} (the install time in RFC 3339), which OpenBao also
   * copies to the top level ({@link #logicalWithDataOnTop}).
   */
  static ObjectNode keyringStatus(KeyringStatus k) {
    ObjectNode o = object();
    o.put("term", k.term());
    o.put("install_time", k.installTime().toString());
    o.put("encryptions", k.encryptions());
    return o;
  }

  /**
   * The {@code data} of {@code sys/rotate/(root|recovery)/init} and of an update that did not
   * complete, with OpenBao's key set ({@code handleRotateInitGet} in {@code
   * internal/vault/logical_system_rotate.go}): {@code nonce}, {@code progress} and the verification
   * fields only while a rotation runs.
   */
  static ObjectNode rotationStatusData(RotationStatus s) {
    ObjectNode o = object();
    o.put("started", s.started());
    o.put("t", s.started() ? s.t() : 0);
    o.put("n", s.started() ? s.n() : 0);
    o.put("required", s.required());
    if (s.started()) {
      o.put("nonce", s.nonce());
      o.put("progress", s.progress());
      o.put("verification_required", false);
      o.put("verification_nonce", "");
    }
    return o;
  }

  /** The {@code data} of a rotation share: the new shares when complete, else the status. */
  static ObjectNode rotationUpdateData(RotationUpdate u) {
    if (!u.complete()) {
      return rotationStatusData(u.status());
    }
    ObjectNode o = object();
    o.put("complete", true);
    o.put("nonce", u.nonce());
    o.put("backup", false);
    o.putNull("pgp_fingerprints");
    o.put("verification_required", false);
    o.put("verification_nonce", "");
    strings(o, "keys", u.keys());
    strings(o, "keys_base64", u.keysBase64());
    return o;
  }

  /**
   * The legacy {@code sys/rekey(-recovery-key)/init} answer, flat: OpenBao's {@code
   * RekeyStatusResponse} ({@code internal/http/sys_rekey.go}), every field always there but {@code
   * verification_nonce}, which is omitted when empty.
   */
  static ObjectNode legacyRekeyStatus(RotationStatus s) {
    ObjectNode o = object();
    o.put("nonce", s.started() ? s.nonce() : "");
    o.put("started", s.started());
    o.put("t", s.started() ? s.t() : 0);
    o.put("n", s.started() ? s.n() : 0);
    o.put("progress", s.started() ? s.progress() : 0);
    o.put("required", s.required());
    o.putNull("pgp_fingerprints");
    o.put("backup", false);
    o.put("verification_required", false);
    return o;
  }

  /** The legacy {@code sys/rekey(-recovery-key)/update} answer: {@code RekeyUpdateResponse}. */
  static ObjectNode legacyRekeyUpdate(RotationUpdate u) {
    if (!u.complete()) {
      return legacyRekeyStatus(u.status());
    }
    ObjectNode o = object();
    o.put("nonce", u.nonce());
    o.put("complete", true);
    strings(o, "keys", u.keys());
    strings(o, "keys_base64", u.keysBase64());
    o.putNull("pgp_fingerprints");
    o.put("backup", false);
    o.put("verification_required", false);
    return o;
  }

  /**
   * The {@code data} of {@code sys/generate-root-token/attempt} (status and start), OpenBao's key
   * set ({@code generateRootStatus} in {@code internal/vault/logical_system_generate_root.go}):
   * {@code nonce} and {@code pgp_fingerprint} only while an attempt runs, {@code otp} only in the
   * answer that started it (else "").
   */
  static ObjectNode generateRootStatusData(GenerateRootStatus g) {
    ObjectNode o = object();
    o.put("started", g.started());
    o.put("complete", false);
    o.put("progress", g.started() ? g.progress() : 0);
    o.put("required", g.required());
    o.put("otp", nullToEmpty(g.otp()));
    o.put("otp_length", g.otpLength());
    if (g.started()) {
      o.put("nonce", g.nonce());
      o.put("pgp_fingerprint", "");
    }
    return o;
  }

  /**
   * The {@code data} of {@code sys/generate-root-token/update}. As OpenBao's handler, it reports
   * the attempt the share was given to: {@code started} stays true and {@code nonce} is the one
   * submitted, also on the share that completed it (when the vault has already forgotten the
   * attempt), and {@code progress} then equals {@code required}.
   */
  static ObjectNode generateRootUpdateData(GenerateRootStatus g, String nonce) {
    ObjectNode o = object();
    o.put("started", true);
    o.put("complete", g.complete());
    o.put("progress", g.complete() ? g.required() : g.progress());
    o.put("required", g.required());
    o.put("nonce", nonce);
    o.put("encoded_token", nullToEmpty(g.encodedToken()));
    o.put("pgp_fingerprint", "");
    return o;
  }

  /**
   * The legacy {@code sys/generate-root/attempt} answer, flat: OpenBao's {@code
   * GenerateRootStatusResponse} ({@code internal/http/sys_generate_root.go}), every field always.
   */
  static ObjectNode legacyGenerateRootStatus(GenerateRootStatus g) {
    ObjectNode o = object();
    o.put("nonce", g.started() ? g.nonce() : "");
    o.put("started", g.started());
    o.put("progress", g.started() ? g.progress() : 0);
    o.put("required", g.required());
    o.put("complete", false);
    o.put("encoded_token", "");
    o.put("encoded_root_token", "");
    o.put("pgp_fingerprint", "");
    o.put("otp", nullToEmpty(g.otp()));
    o.put("otp_length", g.otpLength());
    return o;
  }

  /**
   * The legacy {@code sys/generate-root/update} answer: the same struct, filled as OpenBao's
   * update handler fills it (started, the submitted nonce, the token under both names, no otp).
   */
  static ObjectNode legacyGenerateRootUpdate(GenerateRootStatus g, String nonce) {
    ObjectNode o = object();
    o.put("nonce", nonce);
    o.put("started", true);
    o.put("progress", g.complete() ? g.required() : g.progress());
    o.put("required", g.required());
    o.put("complete", g.complete());
    o.put("encoded_token", nullToEmpty(g.encodedToken()));
    o.put("encoded_root_token", nullToEmpty(g.encodedToken()));
    o.put("pgp_fingerprint", "");
    o.put("otp", "");
    o.put("otp_length", 0);
    return o;
  }

  private static void strings(ObjectNode o, String name, List<String> values) {
    values.forEach(o.putArray(name)::add);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
