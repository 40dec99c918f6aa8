package io.brine.master.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A small client of the operator API over real HTTP (java.net.http), for tests. */
public final class ApiClient {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;

  public ApiClient(String baseUrl) {
    this(baseUrl, null);
  }

  public ApiClient(String baseUrl, SSLContext tls) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10));
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
    this.base = baseUrl;
  }

  /** An answer: status, headers, and the body as JSON (null when empty). */
  public record Reply(int status, HttpHeaders headers, String text) {
    public JsonNode json() {
      if (text.isEmpty()) {
        return null;
      }
      try {
        return JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    /** The first message of an {@code {"errors":[...]}} body. */
    public String error() {
      JsonNode errors = json().get("errors");
      if (errors == null || errors.isEmpty()) {
        throw new AssertionError("no errors in " + text);
      }
      return errors.get(0).asText();
    }
  }

  public Reply get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  public Reply get(String path, String token) throws IOException, InterruptedException {
    return send("GET", path, null, "X-Vault-Token", token);
  }

  public Reply put(String path, Object body) throws IOException, InterruptedException {
    return send("PUT", path, toJson(body));
  }

  public Reply put(String path, Object body, String token)
      throws IOException, InterruptedException {
    return send("PUT", path, toJson(body), "X-Vault-Token", token);
  }

  public Reply delete(String path, String token) throws IOException, InterruptedException {
    return send("DELETE", path, null, "X-Vault-Token", token);
  }

  /** Any method, a raw body (null for none) and header name/value pairs. */
  public Reply send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    List<String> pairs = new ArrayList<>(List.of(headers));
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      b.header(pairs.get(i), pairs.get(i + 1));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers(), r.body());
  }

  public static String toJson(Object body) {
    if (body == null || body instanceof String) {
      return (String) body;
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** {@code {"key": share}}. */
  public static Map<String, Object> key(String share) {
    return Map.of("key", share);
  }
}
