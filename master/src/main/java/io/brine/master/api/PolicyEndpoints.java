package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.PermissionDeniedException;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;
import io.brine.vault.policy.Acl;
import io.brine.vault.policy.Policy;
import io.brine.vault.token.TokenEntry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * OpenBao's ACL policies: {@code sys/policies/acl[/<name>]} and the older {@code
 * sys/policy[/<name>]} that hvac still calls, plus {@code sys/capabilities-self}, {@code
 * sys/capabilities} and {@code sys/capabilities-accessor}. Writing or deleting a policy needs
 * sudo (the rule for brine: a policy decides who may run what on every minion).
 *
 * <p>Answers in the sys backend's shape: the fields in {@code data} and, for the clients written
 * against Vault's older responses, again at the top level.
 */
final class PolicyEndpoints {
  private static final HttpMethod LIST = HttpMethod.valueOf("LIST");
  private static final String LEGACY = "/v1/sys/policy";
  private static final String ACL = "/v1/sys/policies/acl";

  private final Vault vault;

  PolicyEndpoints(Vault vault) {
    this.vault = vault;
  }

  void register(Routes.Builder routes) {
    routes
        .unsealed(LEGACY, r -> list(r, true), GET, LIST)
        .unsealed(LEGACY + "/", this::readLegacy, GET)
        .unsealed(LEGACY + "/", Access.token().sudo(), this::write, PUT, POST)
        .unsealed(LEGACY + "/", Access.token().sudo(), this::delete, DELETE)
        .unsealed(ACL, r -> list(r, false), GET, LIST)
        .unsealed(ACL + "/", this::readOrList, GET, LIST)
        .unsealed(ACL + "/", Access.token().sudo(), this::write, PUT, POST)
        .unsealed(ACL + "/", Access.token().sudo(), this::delete, DELETE)
        .unsealed("/v1/sys/capabilities-self", this::capabilitiesSelf, PUT, POST)
        .unsealed("/v1/sys/capabilities", this::capabilities, PUT, POST)
        .unsealed("/v1/sys/capabilities-accessor", this::capabilitiesAccessor, PUT, POST);
  }

  private ApiResponse list(ApiRequest request, boolean legacy) throws VaultException {
    return listed(vault.policies().list(), legacy);
  }

  private ApiResponse listed(List<String> names, boolean legacy) {
    ObjectNode data = ApiJson.object();
    ArrayNode keys = data.putArray("keys");
    names.forEach(keys::add);
    if (legacy) {
      ArrayNode policies = data.putArray("policies");
      names.forEach(policies::add);
    }
    return ApiResponse.ok(ApiJson.logicalWithDataOnTop(data));
  }

  private ApiResponse readLegacy(ApiRequest request) throws VaultException {
    Optional<Policy> found = existing(request.pathRest());
    if (found.isEmpty()) {
      return notFound();
    }
    Policy policy = found.get();
    ObjectNode data = ApiJson.object();
    data.put("name", policy.name());
    data.put("rules", policy.text());
    return ApiResponse.ok(ApiJson.logicalWithDataOnTop(data));
  }

  /** {@code LIST sys/policies/acl/<prefix>} lists; {@code GET} reads one. */
  private ApiResponse readOrList(ApiRequest request) throws VaultException {
    if (request.method().equals(LIST) || request.flagParameter("list")) {
      String prefix = request.pathRest();
      List<String> names = new ArrayList<>();
      for (String name : vault.policies().list()) {
        if (name.startsWith(prefix)) {
          names.add(name);
        }
      }
      return listed(names, false);
    }
    Optional<Policy> found = existing(request.pathRest());
    if (found.isEmpty()) {
      return notFound();
    }
    Policy policy = found.get();
    ObjectNode data = ApiJson.object();
    data.put("name", policy.name());
    data.put("policy", policy.text());
    return ApiResponse.ok(ApiJson.logicalWithDataOnTop(data));
  }

  private Optional<Policy> existing(String name) throws VaultException {
    return vault.policies().get(name.toLowerCase(Locale.ROOT));
  }

  /** OpenBao answers a missing policy with 404 and no message. */
  private static ApiResponse notFound() {
    ObjectNode body = ApiJson.object();
    body.putArray("errors");
    return ApiResponse.withStatus(HttpResponseStatus.NOT_FOUND, body);
  }

  /** {@code policy} (OpenBao; may be base64) or {@code rules} (Vault's older name). */
  private ApiResponse write(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    String text = body.string("policy");
    if (text == null) {
      text = body.string("rules");
    }
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException("'policy' parameter not supplied or empty");
    }
    vault.policies().put(request.pathRest(), decodedIfBase64(text));
    return ApiResponse.noContent();
  }

  private ApiResponse delete(ApiRequest request) throws VaultException {
    vault.policies().delete(request.pathRest());
    return ApiResponse.noContent();
  }

  /**
   * OpenBao accepts a base64-encoded policy: a body that decodes cleanly to UTF-8 text and is no
   * valid policy as given. A policy is never valid base64 of itself ({@code path "..."} has
   * quotes and spaces), so the test is unambiguous.
   */
  static String decodedIfBase64(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty() || !trimmed.matches("[A-Za-z0-9+/=\\r\\n]+")) {
      return text;
    }
    try {
      byte[] decoded = Base64.getMimeDecoder().decode(trimmed);
      String s = new String(decoded, StandardCharsets.UTF_8);
      return StandardCharsets.UTF_8.newEncoder().canEncode(s) ? s : text;
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  // ---------------------------------------------------------------- capabilities

  private ApiResponse capabilitiesSelf(ApiRequest request) throws VaultException {
    return capabilitiesOf(request.caller().acl(), request.body());
  }

  private ApiResponse capabilities(ApiRequest request) throws VaultException {
    String token = request.body().string("token");
    if (token == null || token.isEmpty()) {
      throw new InvalidRequestException("missing token");
    }
    TokenEntry entry =
        vault.tokens().lookup(token).orElseThrow(() -> new PermissionDeniedException("bad token"));
    return capabilitiesOf(vault.policies().acl(entry.policies()), request.body());
  }

  private ApiResponse capabilitiesAccessor(ApiRequest request) throws VaultException {
    String accessor = request.body().string("accessor");
    if (accessor == null || accessor.isEmpty()) {
      throw new InvalidRequestException("missing accessor");
    }
    TokenEntry entry =
        vault
            .tokens()
            .lookupAccessor(accessor)
            .orElseThrow(() -> new PermissionDeniedException("bad accessor"));
    return capabilitiesOf(vault.policies().acl(entry.policies()), request.body());
  }

  /**
   * {@code {"<path>": [caps], ..., "capabilities": [caps of the first path]}}, in {@code data}
   * and at the top level, as OpenBao answers; {@code paths} (array or one string) or the older
   * {@code path}.
   */
  private static ApiResponse capabilitiesOf(Acl acl, JsonBody body) throws VaultException {
    List<String> paths = new ArrayList<>();
    JsonNode node = body.node("paths");
    if (node == null || node.isNull()) {
      node = body.node("path");
    }
    if (node != null && node.isTextual()) {
      paths.add(node.asText());
    } else if (node != null && node.isArray()) {
      for (JsonNode p : node) {
        if (!p.isTextual()) {
          throw new InvalidRequestException("'paths' must hold strings only");
        }
        paths.add(p.asText());
      }
    }
    if (paths.isEmpty()) {
      throw new InvalidRequestException("missing paths");
    }
    ObjectNode data = ApiJson.object();
    for (String path : paths) {
      String clean = path.startsWith("/") ? path.substring(1) : path;
      ArrayNode caps = data.putArray(path);
      acl.capabilities(clean).forEach(caps::add);
    }
    data.set("capabilities", data.get(paths.get(0)).deepCopy());
    return ApiResponse.ok(ApiJson.logicalWithDataOnTop(data));
  }
}
