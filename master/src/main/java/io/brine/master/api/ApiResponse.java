package io.brine.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.brine.vault.VaultException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * What an endpoint answers: a status and a JSON body (none for 204 and 307), plus the {@code Allow}
 * header of a 405 and the {@code Location} of a 307. {@link HttpResponses} turns it into HTTP.
 *
 * <p>Or an answer {@link #later}: a long poll's, given once {@link Deferred#ready} completes,
 * without an API thread waiting meanwhile ({@link OperatorApiHandler}).
 */
record ApiResponse(
    HttpResponseStatus status, JsonNode body, String allow, String location, Deferred deferred) {

  /** Computes the answer once it is ready; runs on the connection's vault executor. */
  @FunctionalInterface
  interface Answer {
    ApiResponse answer() throws VaultException;
  }

  /**
   * An answer to give when {@code ready} completes (normally, or cancelled because the client went
   * away: the answer is computed, and recorded, all the same).
   */
  record Deferred(CompletableFuture<?> ready, Answer answer) {}

  ApiResponse(HttpResponseStatus status, JsonNode body, String allow, String location) {
    this(status, body, allow, location, null);
  }

  static ApiResponse ok(JsonNode body) {
    return new ApiResponse(HttpResponseStatus.OK, body, null, null);
  }

  /** {@code answer}'s response, once {@code ready} completes. */
  static ApiResponse later(CompletableFuture<?> ready, Answer answer) {
    return new ApiResponse(HttpResponseStatus.OK, null, null, null, new Deferred(ready, answer));
  }

  static ApiResponse withStatus(HttpResponseStatus status, JsonNode body) {
    return new ApiResponse(status, body, null, null);
  }

  static ApiResponse noContent() {
    return new ApiResponse(HttpResponseStatus.NO_CONTENT, null, null, null);
  }

  /** A 307 to {@code location}, without a body, as OpenBao's standby answers. */
  static ApiResponse temporaryRedirect(String location) {
    return new ApiResponse(HttpResponseStatus.TEMPORARY_REDIRECT, null, null, location);
  }

  /** OpenBao's error body: {@code {"errors":["message"]}}. */
  static ApiResponse error(HttpResponseStatus status, String message) {
    ObjectNode body = ApiJson.object();
    body.putArray("errors").add(message);
    return new ApiResponse(status, body, null, null);
  }

  static ApiResponse methodNotAllowed(Collection<HttpMethod> allowed) {
    ApiResponse error = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "unsupported operation");
    String allow =
        allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
    return new ApiResponse(error.status(), error.body(), allow, null);
  }
}
