package io.brine.master.api;

import io.brine.vault.InvalidRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One request as an endpoint sees it. Valid only while the endpoint runs: {@link #body} reads the
 * request's buffer, which is wiped and released right after.
 */
final class ApiRequest {
  private static final String BEARER = "bearer ";

  /** The one body that is bytes, not JSON: a {@code brine cp} upload chunk. */
  static final String OCTET_STREAM = "application/octet-stream";

  private final Map<String, List<String>> query;
  private final String token;
  private final ByteBuf content;
  private final InetAddress remoteAddress;
  private final int remotePort;
  private final String id = UUID.randomUUID().toString();
  private final String path;
  private final HttpMethod method;
  private final boolean octetStream;
  private String pathRest = "";
  private Caller caller;
  private JsonBody body;
  private Runnable afterRecorded;

  /**
   * @param remote the connection's peer address, from the socket (never from a header a client
   *     could write); null when not known
   */
  ApiRequest(FullHttpRequest request, QueryStringDecoder uri, SocketAddress remote) {
    this.query = uri.parameters();
    this.path = uri.path();
    this.method = request.method();
    this.token = token(request);
    this.content = request.content();
    this.octetStream = isOctetStream(request);
    this.remoteAddress =
        remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getAddress() : null;
    this.remotePort = remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getPort() : 0;
  }

  /** The request's id: its request and response audit entries share it. */
  String id() {
    return id;
  }

  HttpMethod method() {
    return method;
  }

  /** The URL path, decoded, without the query. */
  String path() {
    return path;
  }

  /** What follows a prefix route's prefix ({@code "web"} of {@code /v1/sys/policy/web}); "" else. */
  String pathRest() {
    return pathRest;
  }

  void pathRest(String rest) {
    this.pathRest = rest;
  }

  /** The authenticated caller; null on an unauthenticated route. */
  Caller caller() {
    return caller;
  }

  void caller(Caller caller) {
    this.caller = caller;
  }

  /**
   * What the endpoint does once its response is in the audit log: an action that would close the
   * audit devices (a step-down) must not run before the entry that answers it is written.
   */
  void afterResponseRecorded(Runnable action) {
    this.afterRecorded = action;
  }

  /** Runs the action {@link #afterResponseRecorded} set, if any, once. */
  void responseRecorded() {
    Runnable action = afterRecorded;
    afterRecorded = null;
    if (action != null) {
      action.run();
    }
  }

  int remotePort() {
    return remotePort;
  }

  /** Whether the request carries a body at all. */
  boolean hasBody() {
    return content.isReadable();
  }

  /** The IP address the request's connection comes from, or null when not known. */
  InetAddress remoteAddress() {
    return remoteAddress;
  }

  /** The remote address for a log line: the numeric address, never a DNS lookup. */
  String remoteForLog() {
    return remoteAddress == null ? "an unknown address" : remoteAddress.getHostAddress();
  }

  /** The client token: {@code X-Vault-Token}, else {@code Authorization: Bearer}; null if none. */
  String token() {
    return token;
  }

  /** Whether the body is raw bytes ({@code Content-Type: application/octet-stream}). */
  boolean octetStream() {
    return octetStream;
  }

  /** A copy of a raw body's bytes; the buffer itself is wiped after the endpoint runs. */
  byte[] bytes() {
    byte[] copy = new byte[content.readableBytes()];
    content.getBytes(content.readerIndex(), copy);
    return copy;
  }

  /**
   * The body as a JSON object, parsed on first use. A raw body is never parsed: it is a file's
   * bytes, which must reach neither the policy's parameter rules nor the audit log (a JSON file
   * sent with {@code brine cp} would otherwise be recorded field by field).
   */
  JsonBody body() throws InvalidRequestException {
    if (octetStream) {
      throw new InvalidRequestException("the body is " + OCTET_STREAM + ", not JSON");
    }
    if (body == null) {
      body = JsonBody.parse(content);
    }
    return body;
  }

  /** A whole-number query parameter, e.g. health's {@code sealedcode}; the last one given wins. */
  int statusCodeParameter(String name, int fallback) throws InvalidRequestException {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return fallback;
    }
    int code;
    try {
      code = Integer.parseInt(values.get(values.size() - 1));
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("unable to parse " + name + " value");
    }
    if (code < 200 || code > 599) {
      throw new InvalidRequestException(name + " must be an HTTP status code from 200 to 599");
    }
    return code;
  }

  /** A query parameter's last value, or null when it is not given. */
  String parameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
  }

  /** A boolean query parameter: absent is false, present without a value is true. */
  boolean flagParameter(String name) throws InvalidRequestException {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return false;
    }
    String value = values.get(values.size() - 1).toLowerCase(Locale.ROOT);
    switch (value) {
      case "":
      case "true":
      case "1":
        return true;
      case "false":
      case "0":
        return false;
      default:
        throw new InvalidRequestException("unable to parse " + name + " value");
    }
  }

  static boolean isOctetStream(HttpRequest request) {
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null) {
      return false;
    }
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().equalsIgnoreCase(OCTET_STREAM);
  }

  /** The request's token header, as {@link #token()}; also read before the body arrives. */
  static String token(HttpRequest request) {
    String header = request.headers().get("X-Vault-Token");
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return authorization.substring(BEARER.length()).trim();
    }
    return null;
  }
}
