package io.brine.master.api;

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
import io.brine.vault.policy.Capability;
import io.brine.vault.token.CreatedToken;
import io.brine.vault.token.Durations;
import io.brine.vault.token.TokenEntry;
import io.brine.vault.token.TokenRequest;
import io.brine.vault.token.TokenStore;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenBao's token store under {@code /v1/auth/token/}: create (and create-orphan), lookup,
 * renew and revoke by token, by accessor and for the caller itself, revoke-orphan, and the
 * accessor list. Answers in OpenBao's shapes: a new or renewed token in {@code auth}, a lookup in
 * {@code data}. The request path has already checked the route's capability; what needs more (an
 * orphan or a period from {@code create}, which OpenBao gives to root or sudo only) is checked
 * here against the caller's ACL.
 */
final class TokenEndpoints {
  static final String PREFIX = "/v1/auth/token/";
  private static final HttpMethod LIST = HttpMethod.valueOf("LIST");

  private final Vault vault;
  private final Clock clock;

  TokenEndpoints(Vault vault) {
    this(vault, Clock.systemUTC());
  }

  TokenEndpoints(Vault vault, Clock clock) {
    this.vault = vault;
    this.clock = clock;
  }

  void register(Routes.Builder routes) {
    routes
        .unsealed(PREFIX + "create", r -> create(r, false), PUT, POST)
        .unsealed(PREFIX + "create-orphan", r -> create(r, true), PUT, POST)
        .unsealed(PREFIX + "lookup", this::lookup, PUT, POST)
        .unsealed(PREFIX + "lookup-self", this::lookupSelf, GET, PUT, POST)
        .unsealed(PREFIX + "lookup-accessor", this::lookupAccessor, PUT, POST)
        .unsealed(PREFIX + "renew", this::renew, PUT, POST)
        .unsealed(PREFIX + "renew-self", this::renewSelf, PUT, POST)
        .unsealed(PREFIX + "renew-accessor", this::renewAccessor, PUT, POST)
        .unsealed(PREFIX + "revoke", this::revoke, PUT, POST)
        .unsealed(PREFIX + "revoke-self", this::revokeSelf, PUT, POST)
        .unsealed(PREFIX + "revoke-accessor", this::revokeAccessor, PUT, POST)
        .unsealed(PREFIX + "revoke-orphan", Access.token().sudo(), this::revokeOrphan, PUT, POST)
        .unsealed(
            PREFIX + "accessors",
            Access.token().sudo().as("auth/token/accessors", Capability.LIST),
            this::accessors,
            LIST,
            GET);
  }

  // ---------------------------------------------------------------- create

  private ApiResponse create(ApiRequest request, boolean orphanPath) throws VaultException {
    Caller caller = request.caller();
    JsonBody body = request.body();
    if (body.isSet("type") && !"service".equals(body.string("type"))
        && !"default".equals(body.string("type"))) {
      throw new InvalidRequestException("only service tokens are supported; batch tokens are not");
    }
    if (body.isSet("id")) {
      throw new InvalidRequestException("a token's id cannot be chosen; omit 'id'");
    }
    if (body.isSet("role_name")) {
      throw new InvalidRequestException("token roles are not supported");
    }
    boolean noParent = orphanPath || body.bool("no_parent");
    Duration period = duration(body, "period");
    String path = orphanPath ? "auth/token/create-orphan" : "auth/token/create";
    // OpenBao: no_parent on create and a period need root or sudo on the path (create-orphan
    // itself is the route for orphans that needs neither).
    if ((noParent && !orphanPath) || !period.isZero()) {
      // Sudo is a grant, not an operation: Acl.check refuses to be asked for it.
      if (!caller.acl().isRoot()
          && !caller.acl().capabilities(path).contains(Capability.SUDO.wireName())) {
        throw new PermissionDeniedException(
            "permission denied: "
                + (period.isZero() ? "no_parent" : "period")
                + " needs root or sudo on \""
                + path
                + "\"");
      }
    }
    int numUses = body.integer("num_uses");
    TokenRequest ask =
        new TokenRequest(
            policies(body),
            body.bool("no_default_policy"),
            duration(body, "ttl", "lease"),
            duration(body, "explicit_max_ttl"),
            period,
            numUses,
            body.isSet("renewable") ? body.bool("renewable") : null,
            body.string("display_name"),
            meta(body),
            noParent,
            path);
    TokenStore tokens = vault.tokens();
    CreatedToken created = tokens.create(caller.entry(), ask);
    ObjectNode response = ApiJson.logical(null);
    List<String> missing = missingPolicies(created.entry().policies());
    if (!missing.isEmpty()) {
      ArrayNode warnings = response.putArray("warnings");
      missing.forEach(p -> warnings.add("Policy \"" + p + "\" does not exist"));
    }
    response.set("auth", auth(created.token(), created.entry()));
    return ApiResponse.ok(response);
  }

  private List<String> missingPolicies(List<String> policies) throws VaultException {
    List<String> missing = new ArrayList<>();
    for (String name : policies) {
      if (vault.policies().get(name).isEmpty()) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** OpenBao's {@code auth} object for a new or renewed token. */
  private ObjectNode auth(String token, TokenEntry entry) {
    ObjectNode auth = ApiJson.object();
    auth.put("client_token", token);
    auth.put("accessor", entry.accessor());
    strings(auth.putArray("policies"), entry.policies());
    strings(auth.putArray("token_policies"), entry.policies());
    metadata(auth, "metadata", entry.meta());
    auth.put("lease_duration", ttlSeconds(entry));
    auth.put("renewable", entry.renewable() && !entry.isRoot());
    auth.put("entity_id", "");
    auth.put("token_type", "service");
    auth.put("orphan", entry.orphan());
    auth.put("mfa_requirement", (String) null);
    auth.put("num_uses", usesLeft(entry));
    return auth;
  }

  // ---------------------------------------------------------------- lookup

  private ApiResponse lookup(ApiRequest request) throws VaultException {
    String token = requiredString(request.body(), "token");
    TokenEntry entry = known(vault.tokens().lookup(token));
    return ApiResponse.ok(ApiJson.logical(lookupData(token, entry)));
  }

  private ApiResponse lookupSelf(ApiRequest request) throws VaultException {
    Caller caller = request.caller();
    return ApiResponse.ok(ApiJson.logical(lookupData(caller.token(), caller.entry())));
  }

  private ApiResponse lookupAccessor(ApiRequest request) throws VaultException {
    TokenEntry entry = byAccessor(request);
    return ApiResponse.ok(ApiJson.logical(lookupData("", entry)));
  }

  /** OpenBao's lookup {@code data}; {@code id} is the token when the caller gave it. */
  private ObjectNode lookupData(String token, TokenEntry entry) {
    ObjectNode data = ApiJson.object();
    data.put("accessor", entry.accessor());
    data.put("creation_time", entry.creationTime().getEpochSecond());
    data.put("creation_ttl", entry.creationTtl().toSeconds());
    data.put("display_name", entry.displayName());
    data.put("entity_id", "");
    if (entry.expireTime() == null) {
      data.putNull("expire_time");
    } else {
      data.put("expire_time", entry.expireTime().toString());
    }
    data.put("explicit_max_ttl", entry.explicitMaxTtl().toSeconds());
    data.put("id", token);
    data.put("issue_time", entry.creationTime().toString());
    metadata(data, "meta", entry.meta());
    data.put("num_uses", usesLeft(entry));
    data.put("orphan", entry.orphan());
    data.put("path", entry.path());
    strings(data.putArray("policies"), entry.policies());
    data.put("renewable", entry.renewable() && !entry.isRoot());
    if (!entry.period().isZero()) {
      data.put("period", entry.period().toSeconds());
    }
    data.put("ttl", ttlSeconds(entry));
    data.put("type", "service");
    return data;
  }

  // ---------------------------------------------------------------- renew

  private ApiResponse renew(ApiRequest request) throws VaultException {
    String token = requiredString(request.body(), "token");
    TokenEntry entry = known(vault.tokens().lookup(token));
    return renewed(token, entry, request);
  }

  private ApiResponse renewSelf(ApiRequest request) throws VaultException {
    Caller caller = request.caller();
    return renewed(caller.token(), caller.entry(), request);
  }

  private ApiResponse renewAccessor(ApiRequest request) throws VaultException {
    return renewed("", byAccessor(request), request);
  }

  private ApiResponse renewed(String token, TokenEntry entry, ApiRequest request)
      throws VaultException {
    Duration increment = duration(request.body(), "increment");
    TokenEntry renewed = vault.tokens().renew(entry, increment);
    ObjectNode response = ApiJson.logical(null);
    response.set("auth", auth(token, renewed));
    return ApiResponse.ok(response);
  }

  // ---------------------------------------------------------------- revoke

  private ApiResponse revoke(ApiRequest request) throws VaultException {
    String token = requiredString(request.body(), "token");
    Optional<TokenEntry> entry = vault.tokens().lookup(token);
    if (entry.isPresent()) {
      vault.tokens().revoke(entry.get());
    }
    return ApiResponse.noContent();
  }

  private ApiResponse revokeSelf(ApiRequest request) throws VaultException {
    vault.tokens().revoke(request.caller().entry());
    return ApiResponse.noContent();
  }

  private ApiResponse revokeAccessor(ApiRequest request) throws VaultException {
    vault.tokens().revoke(byAccessor(request));
    return ApiResponse.noContent();
  }

  private ApiResponse revokeOrphan(ApiRequest request) throws VaultException {
    String token = requiredString(request.body(), "token");
    Optional<TokenEntry> entry = vault.tokens().lookup(token);
    if (entry.isPresent()) {
      vault.tokens().revokeOrphan(entry.get());
    }
    return ApiResponse.noContent();
  }

  private ApiResponse accessors(ApiRequest request) throws VaultException {
    ObjectNode data = ApiJson.object();
    strings(data.putArray("keys"), vault.tokens().accessors());
    return ApiResponse.ok(ApiJson.logical(data));
  }

  // ---------------------------------------------------------------- input

  private TokenEntry byAccessor(ApiRequest request) throws VaultException {
    String accessor = requiredString(request.body(), "accessor");
    return known(vault.tokens().lookupAccessor(accessor));
  }

  /** OpenBao answers an unknown token or accessor with 403 "bad token" on lookup. */
  private static TokenEntry known(Optional<TokenEntry> entry) throws PermissionDeniedException {
    return entry.orElseThrow(() -> new PermissionDeniedException("bad token"));
  }

  private static String requiredString(JsonBody body, String name)
      throws InvalidRequestException {
    String value = body.string(name);
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException("missing " + name);
    }
    return value;
  }

  /** {@code policies}: an array of names or one comma-separated string, as OpenBao takes it. */
  static List<String> policies(JsonBody body) throws InvalidRequestException {
    JsonNode node = body.node("policies");
    List<String> names = new ArrayList<>();
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      for (String part : node.asText().split(",")) {
        if (!part.isBlank()) {
          names.add(part.trim());
        }
      }
      return names;
    }
    if (!node.isArray()) {
      throw new InvalidRequestException("'policies' must be an array of policy names");
    }
    for (JsonNode element : node) {
      if (!element.isTextual()) {
        throw new InvalidRequestException("'policies' must hold strings only");
      }
      names.add(element.asText().trim());
    }
    return names;
  }

  /** The first of {@code names} that is set, as OpenBao's duration: "90m", "1h", 3600, "3600". */
  static Duration duration(JsonBody body, String... names) throws InvalidRequestException {
    for (String name : names) {
      JsonNode node = body.node(name);
      if (node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty())) {
        continue;
      }
      try {
        return Durations.parse(node);
      } catch (InvalidRequestException e) {
        throw new InvalidRequestException("'" + name + "': " + e.getMessage());
      }
    }
    return Duration.ZERO;
  }

  private static Map<String, String> meta(JsonBody body) throws InvalidRequestException {
    JsonNode node = body.node("meta");
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new InvalidRequestException("'meta' must be an object of strings");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        throw new InvalidRequestException("'meta' must be an object of strings");
      }
      meta.put(field.getKey(), field.getValue().asText());
    }
    return meta;
  }

  /** Seconds left; 0 for a token that never expires, as OpenBao shows a root token. */
  private long ttlSeconds(TokenEntry entry) {
    Duration left = entry.ttlAt(Instant.now(clock));
    // Rounded up: a 1h token just made shows 3600, as OpenBao's create answers it.
    return left == null ? 0 : (left.toMillis() + 999) / 1000;
  }

  /** Uses left, 0 for unlimited; a token on its last use shows none left. */
  static int usesLeft(TokenEntry entry) {
    return entry.numUses() == TokenEntry.LAST_USE_SPENT ? 0 : entry.numUses();
  }

  private static void metadata(ObjectNode target, String name, Map<String, String> meta) {
    if (meta == null || meta.isEmpty()) {
      target.putNull(name);
      return;
    }
    ObjectNode node = target.putObject(name);
    meta.forEach(node::put);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
