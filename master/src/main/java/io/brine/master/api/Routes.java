package io.brine.master.api;

import io.brine.vault.Vault;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The operator API's paths: for each, its endpoint per method, and whether it answers while the
 * vault is sealed. OpenBao serves only seal-status, init, unseal, seal and health while sealed;
 * every other path, known or not, then answers 503 "Vault is sealed".
 */
final class Routes {
  private final Map<String, Map<HttpMethod, Endpoint>> byPath;
  private final Map<String, Map<HttpMethod, Endpoint>> byPrefix;
  private final Set<String> servedWhileSealed;

  private Routes(
      Map<String, Map<HttpMethod, Endpoint>> byPath,
      Map<String, Map<HttpMethod, Endpoint>> byPrefix,
      Set<String> servedWhileSealed) {
    this.byPath = frozen(byPath);
    this.byPrefix = frozen(byPrefix);
    this.servedWhileSealed = Set.copyOf(servedWhileSealed);
  }

  private static Map<String, Map<HttpMethod, Endpoint>> frozen(
      Map<String, Map<HttpMethod, Endpoint>> routes) {
    Map<String, Map<HttpMethod, Endpoint>> frozen = new HashMap<>();
    routes.forEach((path, endpoints) -> frozen.put(path, Map.copyOf(endpoints)));
    return Map.copyOf(frozen);
  }

  static Builder builder() {
    return new Builder();
  }

  /** Every path of the operator API, with the master's own paths {@code paths} has. */
  static Routes operatorApi(Vault vault, String buildDate, Clock clock, MasterPaths paths) {
    Builder routes = builder();
    new SealEndpoints(vault, buildDate, clock).register(routes);
    new KeyRotationEndpoints(vault).register(routes);
    new GenerateRootEndpoints(vault).register(routes);
    if (paths.publishKeys() != null) {
      new BrineKeyEndpoints(vault, paths.publishKeys()).register(routes);
    }
    if (paths.minionKeys() != null) {
      new MinionKeyEndpoints(vault, paths.minionKeys()).register(routes);
    }
    if (paths.jobPublisher() != null) {
      new JobEndpoints(vault, paths.jobPublisher(), paths.jobCache()).register(routes);
    }
    if (paths.audit() != null) {
      new AuditEndpoints(vault, paths.audit()).register(routes);
    }
    return routes.build();
  }

  /**
   * The endpoints of {@code path} by method, or null for an unknown path: an exact path first,
   * else the longest prefix route ({@code /v1/sys/audit/} serves {@code /v1/sys/audit/<name>}).
   */
  Map<HttpMethod, Endpoint> find(String path) {
    Map<HttpMethod, Endpoint> exact = byPath.get(path);
    if (exact != null) {
      return exact;
    }
    String best = null;
    for (String prefix : byPrefix.keySet()) {
      if (path.startsWith(prefix)
          && path.length() > prefix.length()
          && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    return best == null ? null : byPrefix.get(best);
  }

  boolean servedWhileSealed(String path) {
    return servedWhileSealed.contains(path);
  }

  static final class Builder {
    private final Map<String, Map<HttpMethod, Endpoint>> byPath = new HashMap<>();
    private final Map<String, Map<HttpMethod, Endpoint>> byPrefix = new HashMap<>();
    private final Set<String> servedWhileSealed = new HashSet<>();

    private Builder() {}

    /** A path that answers whether the vault is sealed or not. */
    Builder always(String path, Endpoint endpoint, HttpMethod... methods) {
      servedWhileSealed.add(path);
      return add(path, endpoint, methods);
    }

    /** A path that answers 503 while the vault is sealed. */
    Builder unsealed(String path, Endpoint endpoint, HttpMethod... methods) {
      if (servedWhileSealed.contains(path)) {
        throw new IllegalArgumentException(path + " is already served while sealed");
      }
      return add(path, endpoint, methods);
    }

    /**
     * Every path that starts with {@code prefix} (which ends with "/") and goes on, answering 503
     * while sealed; the endpoint reads the rest from {@link ApiRequest#path}.
     */
    Builder unsealedPrefix(String prefix, Endpoint endpoint, HttpMethod... methods) {
      if (!prefix.endsWith("/")) {
        throw new IllegalArgumentException(prefix + " does not end with /");
      }
      return add(byPrefix, prefix, endpoint, methods);
    }

    private Builder add(String path, Endpoint endpoint, HttpMethod... methods) {
      return add(byPath, path, endpoint, methods);
    }

    private Builder add(
        Map<String, Map<HttpMethod, Endpoint>> routes,
        String path,
        Endpoint endpoint,
        HttpMethod... methods) {
      Map<HttpMethod, Endpoint> endpoints =
          routes.computeIfAbsent(path, p -> new LinkedHashMap<>());
      for (HttpMethod method : methods) {
        if (endpoints.putIfAbsent(method, endpoint) != null) {
          throw new IllegalArgumentException(method + " " + path + " is routed twice");
        }
      }
      return this;
    }

    Routes build() {
      return new Routes(byPath, byPrefix, servedWhileSealed);
    }
  }
}
