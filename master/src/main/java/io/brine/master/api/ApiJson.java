package io.brine.master.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.GenerateRootStatus;
import io.brine.vault.InitResult;
import io.brine.vault.KeyringStatus;
import io.brine.vault.RotationStatus;
import io.brine.vault.RotationUpdate;
import io.brine.vault.SealStatus;
import java.util.List;

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

  /** {@code sys/key-status} and {@code sys/rotate/keyring}; the install time in RFC 3339. */
  static ObjectNode keyringStatus(KeyringStatus k) {
    ObjectNode o = object();
    o.put("term", k.term());
    o.put("install_time", k.installTime().toString());
    o.put("encryptions", k.encryptions());
    return o;
  }

  static ObjectNode rotationStatus(RotationStatus s) {
    ObjectNode o = object();
    o.put("started", s.started());
    o.put("nonce", s.nonce());
    o.put("t", s.t());
    o.put("n", s.n());
    o.put("progress", s.progress());
    o.put("required", s.required());
    o.put("verification_required", false);
    return o;
  }

  /** The answer to a rotation share: the new shares when complete, else the status. */
  static ObjectNode rotationUpdate(RotationUpdate u) {
    if (!u.complete()) {
      return rotationStatus(u.status());
    }
    ObjectNode o = object();
    o.put("complete", true);
    o.put("nonce", u.nonce());
    strings(o, "keys", u.keys());
    strings(o, "keys_base64", u.keysBase64());
    return o;
  }

  /**
   * {@code sys/generate-root-token/*}. The encoded token goes out under both OpenBao's names
   * ({@code encoded_token}, and {@code encoded_root_token} that older clients read).
   */
  static ObjectNode generateRootStatus(GenerateRootStatus g) {
    ObjectNode o = object();
    o.put("started", g.started());
    o.put("nonce", g.nonce());
    o.put("progress", g.progress());
    o.put("required", g.required());
    o.put("complete", g.complete());
    o.put("encoded_token", nullToEmpty(g.encodedToken()));
    o.put("encoded_root_token", nullToEmpty(g.encodedToken()));
    o.put("pgp_fingerprint", "");
    o.put("otp", nullToEmpty(g.otp()));
    o.put("otp_length", g.otpLength());
    return o;
  }

  private static void strings(ObjectNode o, String name, List<String> values) {
    values.forEach(o.putArray(name)::add);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
