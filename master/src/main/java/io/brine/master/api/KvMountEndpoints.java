package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.GET;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.RefusalLog;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The mount table as OpenBao's clients look at it, so {@code bao kv} and hvac find the KV version
 * 2 engine: {@code GET sys/internal/ui/mounts/<path>} (the CLI's preflight, which reads {@code
 * options.version} and {@code path}), {@code GET sys/mounts} and {@code GET sys/mounts/secret}.
 * brine has one fixed mount, {@code secret/}, type kv, version 2; mounting others is not offered.
 *
 * <p>The preflight path needs no grant, as in OpenBao (one of its unauthenticated paths); it
 * tells only what every brine master has. {@code sys/mounts} is read with the token's grant.
 */
final class KvMountEndpoints {
  private static final String PREFLIGHT = "/v1/sys/internal/ui/mounts/";

  /** Fixed: the mount is built in and never recreated, so its identity never changes. */
  private static final String ACCESSOR = "kv_b41e5ec2";

  private static final String UUID = "6b7a1c3e-0d4f-4c8e-9a2b-5ec2e7b41e00";

  void register(Routes.Builder routes) {
    routes
        .unsealed(PREFLIGHT, Access.unauthenticated(), this::preflight, GET)
        .unsealed(
            "/v1/sys/mounts", r -> ApiResponse.ok(ApiJson.logicalWithDataOnTop(table())), GET)
        .unsealed("/v1/sys/mounts/", this::mount, GET);
  }

  private ApiResponse preflight(ApiRequest request) {
    String path = request.pathRest();
    if (!path.equals("secret") && !path.startsWith("secret/")) {
      return ApiResponse.error(
          HttpResponseStatus.FORBIDDEN,
          "preflight capability check returned 403, please ensure client's policies grant access"
              + " to path \""
              + RefusalLog.shown(path)
              + "/\"");
    }
    ObjectNode data = secretMount();
    data.put("path", "secret/");
    return ApiResponse.ok(ApiJson.logical(data));
  }

  private ApiResponse mount(ApiRequest request) {
    String path = request.pathRest();
    if (!path.equals("secret") && !path.equals("secret/")) {
      return ApiResponse.error(
          HttpResponseStatus.BAD_REQUEST,
          "No secret engine mount at " + RefusalLog.shown(path) + "/");
    }
    return ApiResponse.ok(ApiJson.logicalWithDataOnTop(secretMount()));
  }

  /** {@code sys/mounts}: the KV mount and the system backend, OpenBao's fields. */
  private static ObjectNode table() {
    ObjectNode data = ApiJson.object();
    data.set("secret/", secretMount());
    ObjectNode sys =
        mountEntry(
            "system", "sys_b41e0515", "system endpoints used for control, policy and debugging");
    sys.putNull("options");
    sys.put("uuid", "6b7a1c3e-0d4f-4c8e-9a2b-0515b41e0000");
    data.set("sys/", sys);
    return data;
  }

  private static ObjectNode secretMount() {
    ObjectNode o = mountEntry("kv", ACCESSOR, "key/value secret storage");
    o.putObject("options").put("version", "2");
    o.put("uuid", UUID);
    return o;
  }

  private static ObjectNode mountEntry(String type, String accessor, String description) {
    ObjectNode o = ApiJson.object();
    o.put("accessor", accessor);
    ObjectNode config = o.putObject("config");
    config.put("default_lease_ttl", 0);
    config.put("force_no_cache", false);
    config.put("max_lease_ttl", 0);
    o.put("description", description);
    o.put("external_entropy_access", false);
    o.put("local", false);
    o.put("plugin_version", "");
    o.put("running_plugin_version", "");
    o.put("running_sha256", "");
    o.put("seal_wrap", false);
    o.put("type", type);
    return o;
  }
}
