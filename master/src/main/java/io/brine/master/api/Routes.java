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
  private final Set<String> servedWhileSealed;

  private Routes(Map<String, Map<HttpMethod, Endpoint>> byPath, Set<String> servedWhileSealed) {
    Map<String, Map<HttpMethod, Endpoint>> frozen = new HashMap<>();
    byPath.forEach((path, endpoints) -> frozen.put(path, Map.copyOf(endpoints)));
    this.byPath = Map.copyOf(frozen);
    this.servedWhileSealed = Set.copyOf(servedWhileSealed);
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
    return routes.build();
  }

  /** The endpoints of {@code path} by method, or null for an unknown path. */
  Map<HttpMethod, Endpoint> find(String path) {
    return byPath.get(path);
  }

  boolean servedWhileSealed(String path) {
    return servedWhileSealed.contains(path);
  }

  static final class Builder {
    private final Map<String, Map<HttpMethod, Endpoint>> byPath = new HashMap<>();
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

    private Builder add(String path, Endpoint endpoint, HttpMethod... methods) {
      Map<HttpMethod, Endpoint> endpoints =
          byPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
      for (HttpMethod method : methods) {
        if (endpoints.putIfAbsent(method, endpoint) != null) {
          throw new IllegalArgumentException(method + " " + path + " is routed twice");
        }
      }
      return this;
    }

    Routes build() {
      return new Routes(byPath, servedWhileSealed);
    }
  }
}
