package io.brine.bench.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The few calls of the master's operator API the swarm makes, with its token. Given a cluster's
 * masters, a call goes to the one that served the last call and, if that one refuses (a standby's
 * 307 or 429, a sealed or cut-off master's 5xx, a dead master's closed port), to the next: the
 * swarm finds the active master by itself, also after it was killed. A request that reached a
 * master and timed out is not sent again, so a job is never published twice.
 */
final class OperatorApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_LIMIT = Duration.ofSeconds(5);

  /** A published job: its id and how many minions it targeted. */
  record Job(String jid, int expected) {}

  // Never follows a redirect: a standby's 307 points at the active master as the standby last
  // saw it, which after a kill -9 is the dead one; the next master of the list is the better try.
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_LIMIT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final List<String> apis;
  private final String token;
  private volatile int serving;

  OperatorApi(List<String> apis, String token) {
    if (apis.isEmpty()) {
      throw new IllegalArgumentException("at least one operator API");
    }
    this.apis = List.copyOf(apis);
    this.token = token;
  }

  OperatorApi(String api, String token) {
    this(List.of(api), token);
  }

  /** {@code test.ping} to every swarm minion, as {@code brine run 'swarm-*' test.ping} sends it. */
  Job publishPing() throws IOException, InterruptedException {
    JsonNode job =
        send("PUT", "/v1/brine/jobs", "{\"tgt\":\"swarm-*\",\"fun\":\"test.ping\",\"timeout\":60}");
    return new Job(job.path("jid").asText(), job.path("minions").size());
  }

  /** {@code fun arg} to every swarm minion, as {@code brine run 'swarm-*' fun arg} sends it. */
  Job publish(String fun, String arg, long timeoutSeconds) throws IOException, InterruptedException {
    com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode();
    body.put("tgt", "swarm-*");
    body.put("fun", fun);
    body.putArray("arg").add(arg);
    body.put("timeout", timeoutSeconds);
    JsonNode job = send("PUT", "/v1/brine/jobs", JSON.writeValueAsString(body));
    return new Job(job.path("jid").asText(), job.path("minions").size());
  }

  /** The job with every return, as the job cache holds it. */
  JsonNode job(String jid) throws IOException, InterruptedException {
    return send("GET", "/v1/brine/jobs?jid=" + jid, null);
  }

  /** How many minions have returned for the job: the count-only view, no return is read. */
  int returned(String jid) throws IOException, InterruptedException {
    return send("GET", "/v1/brine/jobs?jid=" + jid + "&count=true", null).path("returned").asInt();
  }

  /** {@code brine key -d ID}: removes an accepted key, which makes the master rotate. */
  void deleteKey(String id) throws IOException, InterruptedException {
    send("PUT", "/v1/brine/keys/delete", "{\"ids\":[\"" + id + "\"]}");
  }

  /**
   * The index in the list of the master whose {@code sys/health} answers 200 (active and
   * unsealed), or -1 when none does.
   */
  int active() throws InterruptedException {
    for (int i = 0; i < apis.size(); i++) {
      HttpRequest health =
          HttpRequest.newBuilder(URI.create(apis.get(i) + "/v1/sys/health"))
              .timeout(CONNECT_LIMIT)
              .GET()
              .build();
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return i;
        }
      } catch (IOException e) {
        // not this one: dead, or not listening yet
      }
    }
    return -1;
  }

  private JsonNode send(String method, String path, String body)
      throws IOException, InterruptedException {
    int first = serving;
    String refusals = "";
    for (int k = 0; k < apis.size(); k++) {
      int i = (first + k) % apis.size();
      HttpResponse<String> response;
      try {
        response = http.send(request(apis.get(i), method, path, body), ofString());
      } catch (ConnectException e) {
        refusals += "; " + apis.get(i) + ": cannot connect";
        continue;
      }
      if (response.statusCode() == 200) {
        serving = i;
        return JSON.readTree(response.body());
      }
      refusals += "; " + apis.get(i) + ": " + response.statusCode() + " " + response.body().strip();
      if (apis.size() == 1 || !passesOn(response.statusCode())) {
        break;
      }
    }
    throw new IOException(method + " " + path + refusals);
  }

  /** A refusal that another master of the cluster may not give: not the request's own fault. */
  private static boolean passesOn(int status) {
    return status == 307 || status == 429 || status >= 500;
  }

  private HttpRequest request(String api, String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(Duration.ofSeconds(60))
            .header("X-Vault-Token", token);
    return request
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }
}
