package io.brine.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP server on loopback that answers the CLI with canned OpenBao JSON and records what the CLI
 * sent: method, path and query, token header and body. For the tests of what a command puts on
 * the wire and how it prints an answer, before a real master serves those paths; the CLI talks to
 * it over real TCP, through its real client.
 */
public final class CannedApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as the server read it; {@code body} is null when there was none. */
  public record Request(String method, String uri, String token, JsonNode body) {}

  private record Answer(int status, String body, String location) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public CannedApi() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  /** http://127.0.0.1:port, for BRINE_ADDR. */
  public String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Answers {@code method uri} (the path with its query, e.g. {@code GET
   * /v1/sys/policies/acl?list=true}) with this status and body; 204 for an empty body.
   */
  public CannedApi answer(String method, String uri, int status, String body) {
    answers.put(method + " " + uri, new Answer(status, body, null));
    return this;
  }

  /** Answers {@code method uri} with this redirect status and {@code Location}, no body. */
  public CannedApi redirect(String method, String uri, int status, String location) {
    answers.put(method + " " + uri, new Answer(status, "", location));
    return this;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The only request received; fails when there were none or several. */
  public Request onlyRequest() {
    List<Request> all = requests();
    if (all.size() != 1) {
      throw new AssertionError("expected one request, got " + all);
    }
    return all.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String uri = exchange.getRequestURI().getRawPath();
      if (exchange.getRequestURI().getRawQuery() != null) {
        uri += "?" + exchange.getRequestURI().getRawQuery();
      }
      byte[] sent;
      try (InputStream in = exchange.getRequestBody()) {
        sent = in.readAllBytes();
      }
      JsonNode body = sent.length == 0 ? null : JSON.readTree(sent);
      String method = exchange.getRequestMethod();
      requests.add(
          new Request(method, uri, exchange.getRequestHeaders().getFirst("X-Vault-Token"), body));
      Answer answer =
          answers.getOrDefault(
              method + " " + uri, new Answer(404, "{\"errors\":[\"no canned answer\"]}", null));
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      if (answer.location() != null) {
        exchange.getResponseHeaders().set("Location", answer.location());
      }
      if (bytes.length == 0) {
        exchange.sendResponseHeaders(answer.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
