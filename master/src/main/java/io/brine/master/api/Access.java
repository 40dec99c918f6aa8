package io.brine.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.policy.Capability;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the request path checks before a route's endpoint runs: whether a token is needed, which
 * ACL path and capability the token's policies must grant, whether {@code sudo} is needed too
 * (OpenBao's {@code PathsSpecial.Root}), and which request fields the policy's parameter rules
 * see. Declared beside each route, so the check lives in one place ({@link OperatorApi}) and no
 * endpoint authorizes on its own.
 */
final class Access {
  /** Computes the capability a request needs, for routes where the method alone does not say. */
  @FunctionalInterface
  interface Operation {
    Capability of(ApiRequest request) throws InvalidRequestException;
  }

  /** The request fields a policy's allowed/denied/required_parameters see. */
  @FunctionalInterface
  interface Parameters {
    Map<String, List<String>> of(ApiRequest request) throws InvalidRequestException;
  }

  private static final Access UNAUTHENTICATED = new Access(false, false, null, null, null);

  private final boolean token;
  private final boolean sudo;
  private final String aclPath;
  private final Operation operation;
  private final Parameters parameters;

  private Access(
      boolean token, boolean sudo, String aclPath, Operation operation, Parameters parameters) {
    this.token = token;
    this.sudo = sudo;
    this.aclPath = aclPath;
    this.operation = operation;
    this.parameters = parameters;
  }

  /** No token needed (seal-status, init, unseal, health, leader). */
  static Access unauthenticated() {
    return UNAUTHENTICATED;
  }

  /**
   * A token whose policies grant the capability of the method ({@link #methodCapability}) on the
   * request's own path without {@code /v1/}, checking every top-level body field.
   */
  static Access token() {
    return new Access(true, false, null, null, null);
  }

  /** As this, and the policies must grant {@code sudo} on the path too. */
  Access sudo() {
    return new Access(true, true, aclPath, operation, parameters);
  }

  /** As this, checked as {@code capability} on {@code path} (brine's own names for its paths). */
  Access as(String path, Capability capability) {
    return new Access(true, sudo, path, r -> capability, parameters);
  }

  /** As this, checked on {@code path} with a capability {@code operation} computes. */
  Access as(String path, Operation operation) {
    return new Access(true, sudo, path, operation, parameters);
  }

  /** As this, with the parameter rules seeing {@code parameters} instead of the body's fields. */
  Access parameters(Parameters parameters) {
    return new Access(token, sudo, aclPath, operation, parameters);
  }

  boolean needsToken() {
    return token;
  }

  boolean needsSudo() {
    return sudo;
  }

  /** The ACL path: brine's name for it, or the URL path without {@code /v1/}. */
  String aclPath(String urlPath) {
    if (aclPath != null) {
      return aclPath;
    }
    return urlPath.startsWith("/v1/") ? urlPath.substring(4) : urlPath;
  }

  Capability capability(HttpMethod method, ApiRequest request) throws InvalidRequestException {
    return operation != null ? operation.of(request) : methodCapability(method, request);
  }

  Map<String, List<String>> parameters(ApiRequest request) throws InvalidRequestException {
    return parameters != null ? parameters.of(request) : bodyFields(request);
  }

  /**
   * OpenBao's operation for a method: GET is read (list with {@code ?list=true}), LIST is list,
   * POST and PUT are update, DELETE is delete, PATCH is patch.
   */
  static Capability methodCapability(HttpMethod method, ApiRequest request)
      throws InvalidRequestException {
    switch (method.name()) {
      case "GET":
      case "HEAD":
        return request.flagParameter("list") ? Capability.LIST : Capability.READ;
      case "LIST":
        return Capability.LIST;
      case "DELETE":
        return Capability.DELETE;
      case "PATCH":
        return Capability.PATCH;
      default:
        return Capability.UPDATE;
    }
  }

  /**
   * Every top-level field of the body, each as the list of its string values: a string or number
   * as itself, an array as its elements' text, an object or null as its JSON text. No body: none.
   */
  static Map<String, List<String>> bodyFields(ApiRequest request) throws InvalidRequestException {
    if (!request.hasBody()) {
      return Map.of();
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = request.body().fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      fields.put(field.getKey(), values(field.getValue()));
    }
    return fields;
  }

  static List<String> values(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(element -> values.add(text(element)));
    } else {
      values.add(text(node));
    }
    return values;
  }

  /** A value's text: a string or number as itself, anything else as its JSON. */
  static String text(JsonNode node) {
    return node.isValueNode() && !node.isNull() ? node.asText() : node.toString();
  }
}
