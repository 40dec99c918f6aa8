package io.brine.bench.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few calls of the master's operator API the swarm makes, with its token. */
final class OperatorApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A published job: its id and how many minions it targeted. */
  record Job(String jid, int expected) {}

  private final HttpClient http = HttpClient.newHttpClient();
  private final String api;
  private final String token;

  OperatorApi(String api, String token) {
    this.api = api;
    this.token = token;
  }

  /** {@code test.ping} to every swarm minion, as {@code brine run 'swarm-*' test.ping} sends it. */
  Job publishPing() throws IOException, InterruptedException {
    JsonNode job =
        send("PUT", "/v1/brine/jobs", "{\"tgt\":\"swarm-*\",\"fun\":\"test.ping\",\"timeout\":60}");
    return new Job(job.path("jid").asText(), job.path("minions").size());
  }

  /** How many minions have returned for the job: the count-only view, no return is read. */
  int returned(String jid) throws IOException, InterruptedException {
    return send("GET", "/v1/brine/jobs?jid=" + jid + "&count=true", null).path("returned").asInt();
  }

  /** {@code brine key -d ID}: removes an accepted key, which makes the master rotate. */
  void deleteKey(String id) throws IOException, InterruptedException {
    send("PUT", "/v1/brine/keys/delete", "{\"ids\":[\"" + id + "\"]}");
  }

  private JsonNode send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(Duration.ofSeconds(60))
            .header("X-Vault-Token", token);
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
