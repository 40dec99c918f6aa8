package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PATCH;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;
import io.brine.vault.kv.KvMetadata;
import io.brine.vault.kv.KvRead;
import io.brine.vault.kv.KvStore;
import io.brine.vault.kv.MetadataUpdate;
import io.brine.vault.token.Durations;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * OpenBao's KV version 2 engine at {@code /v1/secret/}: {@code data/}, {@code metadata/}, {@code
 * delete/}, {@code undelete/}, {@code destroy/} and {@code config}, over {@link Vault#kv()}.
 *
 * <p>One prefix route, so the request path checks each request as OpenBao does: the ACL path is
 * the URL path ({@code secret/data/db/prod}), the capability the method's ({@code GET ?list=true}
 * and LIST are list, PATCH is patch). Answers, status codes and messages are OpenBao's: 404 with
 * no message for a secret that is not there, 404 with the version's metadata for one deleted or
 * destroyed, 400 for a check-and-set mismatch.
 */
final class KvEndpoints {
  static final String MOUNT = "/v1/secret/";

  private static final HttpMethod LIST = HttpMethod.valueOf("LIST");

  /** OpenBao's answer on a path of the mount that is none of the engine's. */
  static final String INVALID_PATH =
      "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API"
          + " endpoints to use. If using the bao CLI, use 'bao kv get' for this operation.";

  static final String CAS_MANDATED =
      "\"cas_required\" set to false, but is mandated by backend config. This value will be"
          + " ignored.";

  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final Vault vault;

  KvEndpoints(Vault vault) {
    this.vault = vault;
  }

  void register(Routes.Builder routes) {
    routes.unsealed(MOUNT, this::dispatch, GET, LIST, PUT, POST, PATCH, DELETE);
  }

  private ApiResponse dispatch(ApiRequest request) throws VaultException {
    String rest = request.pathRest();
    HttpMethod m =
        request.method().equals(GET) && request.flagParameter("list") ? LIST : request.method();
    if (rest.equals("config")) {
      if (m.equals(GET)) {
        return ApiResponse.ok(KvJson.envelope(KvJson.config(kv().config())));
      }
      if (m.equals(PUT) || m.equals(POST)) {
        return writeConfig(request);
      }
      return notAllowed(GET, PUT, POST);
    }
    if (rest.startsWith("data/")) {
      String path = rest.substring("data/".length());
      if (m.equals(GET)) {
        return read(request, path);
      }
      if (m.equals(PUT) || m.equals(POST)) {
        return write(request, path);
      }
      if (m.equals(PATCH)) {
        return patch(request, path);
      }
      if (m.equals(DELETE)) {
        kv().deleteLatest(path);
        return ApiResponse.noContent();
      }
      return notAllowed(GET, PUT, POST, PATCH, DELETE);
    }
    if (rest.equals("metadata") || rest.startsWith("metadata/")) {
      String path = rest.equals("metadata") ? "" : rest.substring("metadata/".length());
      if (m.equals(LIST)) {
        return list(request, path);
      }
      if (m.equals(GET)) {
        Optional<KvMetadata> meta = path.isEmpty() ? Optional.empty() : kv().metadata(path);
        return meta.isEmpty()
            ? notFound()
            : ApiResponse.ok(KvJson.envelope(KvJson.metadata(meta.get())));
      }
      if (m.equals(PUT) || m.equals(POST)) {
        return writeMetadata(request, path, false);
      }
      if (m.equals(PATCH)) {
        return writeMetadata(request, path, true);
      }
      if (m.equals(DELETE)) {
        kv().deleteMetadata(path);
        return ApiResponse.noContent();
      }
      return notAllowed(GET, LIST, PUT, POST, PATCH, DELETE);
    }
    for (String verb : List.of("delete/", "undelete/", "destroy/")) {
      if (rest.startsWith(verb)) {
        if (!m.equals(PUT) && !m.equals(POST)) {
          return notAllowed(PUT, POST);
        }
        return versions(request, verb, rest.substring(verb.length()));
      }
    }
    return ApiResponse.error(HttpResponseStatus.NOT_FOUND, INVALID_PATH);
  }

  private KvStore kv() {
    return vault.kv();
  }

  private ApiResponse read(ApiRequest request, String path) throws VaultException {
    int version = wholeNumber(request.parameter("version"), "version");
    Optional<KvRead> found = kv().get(path, version);
    if (found.isEmpty()) {
      return notFound();
    }
    KvRead r = found.get();
    if (r.data().isEmpty()) {
      // OpenBao: a deleted or destroyed version is a 404 that still carries its metadata.
      return ApiResponse.withStatus(
          HttpResponseStatus.NOT_FOUND,
          KvJson.envelope(KvJson.read(r.version(), r.customMetadata(), null)));
    }
    JsonNode data = ApiJson.MAPPER.valueToTree(r.data().get());
    return ApiResponse.ok(KvJson.envelope(KvJson.read(r.version(), r.customMetadata(), data)));
  }

  private ApiResponse write(ApiRequest request, String path) throws VaultException {
    JsonBody body = request.body();
    KvRead written = kv().write(path, data(body), cas(body));
    return ApiResponse.ok(
        KvJson.envelope(KvJson.versionMetadata(written.version(), written.customMetadata())));
  }

  private ApiResponse patch(ApiRequest request, String path) throws VaultException {
    JsonBody body = request.body();
    Map<String, Object> patch = data(body);
    Optional<KvRead> patched = kv().patch(path, patch, cas(body));
    if (patched.isPresent()) {
      KvRead w = patched.get();
      return ApiResponse.ok(
          KvJson.envelope(KvJson.versionMetadata(w.version(), w.customMetadata())));
    }
    // As OpenBao: the current version's metadata when it is deleted or destroyed, else nothing.
    Optional<KvRead> current = kv().get(path, 0);
    if (current.isPresent() && current.get().data().isEmpty()) {
      return ApiResponse.withStatus(
          HttpResponseStatus.NOT_FOUND,
          KvJson.envelope(
              KvJson.versionMetadata(current.get().version(), current.get().customMetadata())));
    }
    return notFound();
  }

  private ApiResponse versions(ApiRequest request, String verb, String path)
      throws VaultException {
    List<Integer> versions = versionList(request.body().node("versions"));
    switch (verb) {
      case "delete/":
        kv().delete(path, versions);
        break;
      case "undelete/":
        kv().undelete(path, versions);
        break;
      default:
        kv().destroy(path, versions);
        break;
    }
    return ApiResponse.noContent();
  }

  private ApiResponse list(ApiRequest request, String folder) throws VaultException {
    List<String> keys = kv().list(folder);
    String after = request.parameter("after");
    int limit = wholeNumber(request.parameter("limit"), "limit");
    if (after != null && !after.isEmpty()) {
      List<String> later = new ArrayList<>();
      for (String k : keys) {
        if (k.compareTo(after) > 0) {
          later.add(k);
        }
      }
      keys = later;
    }
    if (limit > 0 && keys.size() > limit) {
      keys = keys.subList(0, limit);
    }
    if (keys.isEmpty()) {
      return notFound();
    }
    return ApiResponse.ok(KvJson.envelope(KvJson.keys(keys)));
  }

  private ApiResponse writeMetadata(ApiRequest request, String path, boolean patch)
      throws VaultException {
    if (path.isEmpty()) {
      throw new InvalidRequestException("missing path");
    }
    JsonBody body = request.body();
    Integer maxVersions =
        body.isSet("max_versions") ? weakInt(body.node("max_versions"), "max_versions") : null;
    Boolean casRequired =
        body.isSet("cas_required") ? weakBool(body.node("cas_required"), "cas_required") : null;
    Duration after =
        body.node("delete_version_after") == null
            ? null
            : Durations.parse(body.node("delete_version_after"));
    Map<String, String> custom = customMetadata(body.node("custom_metadata"), patch);
    if (maxVersions == null && casRequired == null && after == null && custom == null) {
      // OpenBao's fast path: nothing to set, nothing created.
      return ApiResponse.noContent();
    }
    if (patch && kv().metadata(path).isEmpty()) {
      return notFound();
    }
    kv().writeMetadata(path, new MetadataUpdate(maxVersions, casRequired, after, custom), patch);
    if (casRequired != null && !casRequired && kv().config().casRequired()) {
      return withWarning(CAS_MANDATED);
    }
    return ApiResponse.noContent();
  }

  private ApiResponse writeConfig(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    Integer maxVersions =
        body.isSet("max_versions") ? weakInt(body.node("max_versions"), "max_versions") : null;
    Boolean casRequired =
        body.isSet("cas_required") ? weakBool(body.node("cas_required"), "cas_required") : null;
    Duration after =
        body.node("delete_version_after") == null
            ? null
            : Durations.parse(body.node("delete_version_after"));
    kv().writeConfig(maxVersions, casRequired, after);
    return ApiResponse.noContent();
  }

  /** The request's {@code data} object, as Jackson's maps. */
  private static Map<String, Object> data(JsonBody body) throws InvalidRequestException {
    JsonNode data = body.node("data");
    if (data == null || data.isNull()) {
      throw new InvalidRequestException("no data provided");
    }
    if (!data.isObject()) {
      throw new InvalidRequestException("'data' must be a JSON object");
    }
    return ApiJson.MAPPER.convertValue(data, MAP);
  }

  /** {@code options.cas}, weakly decoded as OpenBao's mapstructure does ("1" is 1). */
  private static OptionalInt cas(JsonBody body) throws InvalidRequestException {
    JsonNode options = body.node("options");
    if (options == null || options.isNull()) {
      return OptionalInt.empty();
    }
    if (!options.isObject()) {
      throw new InvalidRequestException("'options' must be a JSON object");
    }
    JsonNode cas = options.get("cas");
    if (cas == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(weakInt(cas, "cas"));
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("error parsing check-and-set parameter");
    }
  }

  /** {@code versions}: an array of numbers (or numeric strings), or "1,2,3", as OpenBao takes. */
  private static List<Integer> versionList(JsonNode node) throws InvalidRequestException {
    List<Integer> versions = new ArrayList<>();
    if (node == null || node.isNull()) {
      return versions;
    }
    if (node.isArray()) {
      for (JsonNode v : node) {
        versions.add(weakInt(v, "versions"));
      }
    } else if (node.isTextual()) {
      for (String part : node.asText().split(",")) {
        if (!part.isBlank()) {
          versions.add(wholeNumber(part.strip(), "versions"));
        }
      }
    } else {
      versions.add(weakInt(node, "versions"));
    }
    if (versions.size() > 1000) {
      throw new InvalidRequestException("too many versions in one request (at most 1000)");
    }
    return versions;
  }

  private static Map<String, String> customMetadata(JsonNode node, boolean patch)
      throws InvalidRequestException {
    if (node == null) {
      return null;
    }
    if (node.isNull()) {
      return patch ? null : Map.of();
    }
    if (!node.isObject()) {
      throw new InvalidRequestException(
          "custom_metadata validation failed: 'custom_metadata' must be a JSON object");
    }
    Map<String, String> custom = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode v = e.getValue();
      if (v.isNull()) {
        // A PATCH removes the key; a write stores what mapstructure makes of null: "".
        custom.put(e.getKey(), patch ? null : "");
      } else if (v.isValueNode()) {
        custom.put(e.getKey(), v.asText());
      } else {
        throw new InvalidRequestException(
            "custom_metadata validation failed: the value of a key must be a string");
      }
    }
    return custom;
  }

  private static int weakInt(JsonNode v, String name) throws InvalidRequestException {
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.asInt();
    }
    if (v.isTextual()) {
      return wholeNumber(v.asText().strip(), name);
    }
    throw new InvalidRequestException("'" + name + "' must be a whole number");
  }

  private static boolean weakBool(JsonNode v, String name) throws InvalidRequestException {
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual() && Set.of("true", "false", "1", "0").contains(v.asText())) {
      return v.asText().equals("true") || v.asText().equals("1");
    }
    if (v.isIntegralNumber()) {
      return v.asInt() != 0;
    }
    throw new InvalidRequestException("'" + name + "' must be true or false");
  }

  /** A whole number given as text (a query parameter); null or "" is 0. */
  private static int wholeNumber(String text, String name) throws InvalidRequestException {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("'" + name + "' must be a whole number");
    }
  }

  /** OpenBao answers a missing secret, version or listing with 404 and no message. */
  static ApiResponse notFound() {
    ObjectNode body = ApiJson.object();
    body.putArray("errors");
    return ApiResponse.withStatus(HttpResponseStatus.NOT_FOUND, body);
  }

  private static ApiResponse withWarning(String warning) {
    ObjectNode o = KvJson.envelope(null);
    o.putArray("warnings").add(warning);
    return ApiResponse.ok(o);
  }

  private static ApiResponse notAllowed(HttpMethod... methods) {
    return ApiResponse.methodNotAllowed(List.of(methods));
  }
}
