package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The calls {@code brine kv} makes, through the operator client every bao-style command uses; what
 * it adds is bao's reading of the answers: a 404 is "nothing there" where bao's {@code kv}
 * commands say so, and every failure is one line naming what was being done, bao's "Error making
 * API request" with the URL, the code and the master's first error, exit 2.
 */
final class KvApi {
  private static final int NOT_FOUND = 404;
  private static final String PREFLIGHT = "/v1/sys/internal/ui/mounts/";

  private final OperatorClient client;

  KvApi(OperatorClient client) {
    this.client = client;
  }

  /**
   * bao's preflight ({@code GET sys/internal/ui/mounts/PATH}): the mount that holds {@code path},
   * e.g. "secret/", which must be a KV version 2 engine.
   */
  String mountOf(String path) {
    String url = PREFLIGHT + KvPath.encode(path);
    JsonNode answer = call("finding the mount of " + path, "GET", url, () -> client.get(url));
    JsonNode data = answer == null ? null : answer.path("data");
    String mount = data == null ? "" : data.path("path").asText("");
    if (mount.isEmpty()) {
      throw new KvServerError("the master's answer names no mount for " + path);
    }
    String version = data.path("options").path("version").asText("1");
    if (!version.equals("2")) {
      throw new KvServerError(
          mount + " is a KV version " + (version.isEmpty() ? "1" : version)
              + " engine; brine kv speaks version 2 only");
    }
    return mount.endsWith("/") ? mount : mount + "/";
  }

  JsonNode get(String doing, String path) {
    return call(doing, "GET", path, () -> client.get(path));
  }

  /** As {@link #get}, or null when the master answers 404 (no such secret, version or folder). */
  JsonNode getOrNull(String doing, String path) {
    try {
      return client.get(path);
    } catch (OperatorClient.ApiError e) {
      if (e.status() == NOT_FOUND) {
        return null;
      }
      throw failed(doing, "GET", path, e);
    } catch (CliException e) {
      throw failed(doing, "GET", path, e);
    }
  }

  /** bao's LIST: {@code GET PATH?list=true}; null on 404 (an empty or missing folder). */
  JsonNode listOrNull(String doing, String path) {
    return getOrNull(doing, path + "?list=true");
  }

  /** bao's {@code Logical().Write}: a PUT with a JSON body. */
  JsonNode put(String doing, String path, Map<String, ?> body) {
    return call(doing, "PUT", path, () -> client.put(path, body));
  }

  JsonNode delete(String doing, String path) {
    return call(doing, "DELETE", path, () -> client.delete(path));
  }

  private static JsonNode call(
      String doing, String method, String path, Supplier<JsonNode> request) {
    try {
      return request.get();
    } catch (CliException e) {
      throw failed(doing, method, path, e);
    }
  }

  /**
   * bao's lines ("Error making API request.", "URL: GET ...", "Code: 403. Errors:", "* ...") on
   * one. The URL is the path only: the address is the one the user gave, and the client keeps it.
   */
  private static KvServerError failed(String doing, String method, String path, CliException e) {
    if (e instanceof OperatorClient.ApiError api) {
      String errors = api.reason().isEmpty() ? "" : " Errors: * " + api.reason();
      return new KvServerError(
          doing + ": Error making API request. URL: " + method + " " + path + " Code: "
              + api.status() + "." + errors,
          e);
    }
    return new KvServerError(doing + ": " + e.getMessage(), e);
  }
}
