package io.brine.master.api;

import io.brine.master.ha.ClusterStatus;
import io.brine.vault.Vault;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operator API's paths: for each, its endpoint and {@link Access} per method, and whether it
 * answers while the vault is sealed. OpenBao serves only seal-status, init, unseal, seal, health
 * and leader while sealed; every other path, known or not, then answers 503 "Vault is sealed".
 *
 * <p>On a cluster, an unsealed standby serves only {@link #SERVED_ON_STANDBY} itself, as OpenBao's
 * standby does; the request path ({@link OperatorApi}) sends everything else to the active master.
 *
 * <p>A path is either exact ({@code /v1/sys/seal}) or a prefix ending in {@code /} ({@code
 * /v1/sys/policy/}) whose rest the endpoint reads ({@link ApiRequest#pathRest}); an exact path
 * wins over a prefix, a longer prefix over a shorter.
 */
final class Routes {
  /**
   * What a standby answers itself: the status paths, the unseal (progress is each master's own) and
   * whether the vault is initialized. Everything else, unknown paths too, goes to the active master,
   * except {@code sys/seal}, which a standby refuses itself ({@link #sealsThisMaster}).
   */
  static final Map<String, Set<HttpMethod>> SERVED_ON_STANDBY =
      Map.of(
          "/v1/sys/health", Set.of(HttpMethod.GET, HttpMethod.HEAD),
          "/v1/sys/leader", Set.of(HttpMethod.GET),
          "/v1/sys/seal-status", Set.of(HttpMethod.GET),
          "/v1/sys/unseal", Set.of(HttpMethod.PUT, HttpMethod.POST),
          "/v1/sys/init", Set.of(HttpMethod.GET));

  /** One method on one path: what runs, and what the request path checks first. */
  record Route(Endpoint endpoint, Access access) {}

  private final Map<String, Map<HttpMethod, Route>> exact;
  /** Longest first, so the first match is the most specific. */
  private final List<Map.Entry<String, Map<HttpMethod, Route>>> prefixes;
  private final Set<String> servedWhileSealed;

  private Routes(
      Map<String, Map<HttpMethod, Route>> byPath, Set<String> servedWhileSealed) {
    Map<String, Map<HttpMethod, Route>> exactPaths = new HashMap<>();
    Map<String, Map<HttpMethod, Route>> prefixPaths = new TreeMap<>();
    byPath.forEach(
        (path, routes) ->
            (path.endsWith("/") ? prefixPaths : exactPaths).put(path, Map.copyOf(routes)));
    this.exact = Map.copyOf(exactPaths);
    this.prefixes =
        prefixPaths.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue()))
            .sorted(
                Comparator.comparingInt(
                        (Map.Entry<String, Map<HttpMethod, Route>> e) -> e.getKey().length())
                    .reversed())
            .toList();
    this.servedWhileSealed = Set.copyOf(servedWhileSealed);
  }

  static Builder builder() {
    return new Builder();
  }

  /** Every path of the operator API, with the master's own paths {@code paths} has. */
  static Routes operatorApi(
      Vault vault, String buildDate, Clock clock, MasterPaths paths, ClusterStatus cluster) {
    Builder routes = builder();
    new SealEndpoints(vault, buildDate, clock, cluster).register(routes);
    new KeyRotationEndpoints(vault).register(routes);
    new GenerateRootEndpoints(vault).register(routes);
    new TokenEndpoints(vault).register(routes);
    new PolicyEndpoints(vault).register(routes);
    new KvEndpoints(vault).register(routes);
    new KvMountEndpoints().register(routes);
    if (paths.publishKeys() != null) {
      new BrineKeyEndpoints(paths.publishKeys()).register(routes);
    }
    if (paths.minionKeys() != null) {
      new MinionKeyEndpoints(paths.minionKeys()).register(routes);
    }
    if (paths.jobPublisher() != null) {
      new JobEndpoints(
              paths.jobPublisher(), paths.jobCache(), paths.audit(), paths.returnWaiters())
          .register(routes);
    }
    if (paths.stagedFiles() != null) {
      new CpEndpoints(paths.stagedFiles()).register(routes);
    }
    if (paths.audit() != null) {
      new AuditEndpoints(paths.audit()).register(routes);
    }
    if (paths.masterKeys() != null) {
      new MasterKeyEndpoints(paths.masterKeys(), paths.masterKeyGrace()).register(routes);
    }
    return routes.build();
  }

  /** A path's routes by method, and what follows the prefix for a prefix route ("" else). */
  record Match(Map<HttpMethod, Route> routes, String rest) {}

  /** The routes of {@code path}, or null for an unknown path. */
  Match find(String path) {
    Map<HttpMethod, Route> routes = exact.get(path);
    if (routes != null) {
      return new Match(routes, "");
    }
    for (Map.Entry<String, Map<HttpMethod, Route>> prefix : prefixes) {
      if (path.startsWith(prefix.getKey()) && path.length() > prefix.getKey().length()) {
        return new Match(prefix.getValue(), path.substring(prefix.getKey().length()));
      }
    }
    return null;
  }

  /** Whether a standby answers {@code method path} itself. */
  static boolean servedOnStandby(String path, HttpMethod method) {
    Set<HttpMethod> methods = SERVED_ON_STANDBY.get(path);
    return methods != null && methods.contains(method);
  }

  /**
   * {@code sys/seal}: a standby refuses it as OpenBao's does ("please restart instead"), rather
   * than send it to the active master, which it would seal.
   */
  static boolean sealsThisMaster(String path, HttpMethod method) {
    return path.equals("/v1/sys/seal")
        && (method.equals(HttpMethod.PUT) || method.equals(HttpMethod.POST));
  }

  boolean servedWhileSealed(String path) {
    if (servedWhileSealed.contains(path)) {
      return true;
    }
    for (String prefix : servedWhileSealed) {
      if (prefix.endsWith("/") && path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  static final class Builder {
    private final Map<String, Map<HttpMethod, Route>> byPath = new HashMap<>();
    private final Set<String> servedWhileSealed = new HashSet<>();

    private Builder() {}

    /** A path that answers whether the vault is sealed or not; a token with the ACL's grant. */
    Builder always(String path, Endpoint endpoint, HttpMethod... methods) {
      return always(path, Access.token(), endpoint, methods);
    }

    /** A path that answers whether the vault is sealed or not. */
    Builder always(String path, Access access, Endpoint endpoint, HttpMethod... methods) {
      servedWhileSealed.add(path);
      return add(path, access, endpoint, methods);
    }

    /** A path that answers 503 while sealed; a token with the ACL's grant. */
    Builder unsealed(String path, Endpoint endpoint, HttpMethod... methods) {
      return unsealed(path, Access.token(), endpoint, methods);
    }

    /** A path that answers 503 while the vault is sealed. */
    Builder unsealed(String path, Access access, Endpoint endpoint, HttpMethod... methods) {
      if (servedWhileSealed.contains(path)) {
        throw new IllegalArgumentException(path + " is already served while sealed");
      }
      return add(path, access, endpoint, methods);
    }

    private Builder add(String path, Access access, Endpoint endpoint, HttpMethod... methods) {
      Map<HttpMethod, Route> routes = byPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
      for (HttpMethod method : methods) {
        if (routes.putIfAbsent(method, new Route(endpoint, access)) != null) {
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
