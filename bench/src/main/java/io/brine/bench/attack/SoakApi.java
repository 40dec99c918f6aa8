package io.brine.bench.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The operator's side of the API (from 127.0.0.1): init, unseal, and jobs with the root token. */
final class SoakApi {
  static final ObjectMapper JSON = new ObjectMapper();

  /** What the API answered. */
  record Reply(int status, JsonNode body) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String url;
  private volatile String token;

  SoakApi(String url) {
    this.url = url;
  }

  void token(String rootToken) {
    this.token = rootToken;
  }

  Reply get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  Reply put(String path, JsonNode body) throws IOException, InterruptedException {
    return send("PUT", path, body);
  }

  /** {@code brine run} of {@code fun} on exactly {@code ids}: the job's id. */
  String publish(List<String> ids, String fun, int timeoutSeconds)
      throws IOException, InterruptedException {
    ObjectNode job = JSON.createObjectNode();
    job.put("tgt", String.join(",", ids));
    job.put("tgt_type", "list");
    job.put("fun", fun);
    job.put("timeout", timeoutSeconds);
    Reply r = put("/v1/brine/jobs", job);
    if (r.status() != 200) {
      throw new IOException("publish answered " + r.status() + " " + r.body());
    }
    return r.body().path("jid").asText();
  }

  private Reply send(String method, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("X-Vault-Token", token);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    byte[] text = response.body();
    return new Reply(
        response.statusCode(),
        text.length == 0 ? JSON.createObjectNode() : JSON.readTree(text));
  }
}
