package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.HEAD;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.ha.ClusterStatus;
import io.brine.master.net.SourceAddress;
import io.brine.vault.ForeignShareException;
import io.brine.vault.InitRequest;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.PermissionDeniedException;
import io.brine.vault.SealStatus;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paths that answer while the vault is sealed: {@code sys/seal-status}, {@code sys/init},
 * {@code sys/unseal}, {@code sys/seal}, {@code sys/health} and {@code sys/leader}, as OpenBao's
 * {@code internal/http/sys_seal.go}, {@code sys_init.go}, {@code sys_health.go} and {@code
 * sys_leader.go} answer them; and {@code sys/step-down}, OpenBao's {@code sys_stepdown.go}.
 */
final class SealEndpoints {
  private static final Logger log = LoggerFactory.getLogger(SealEndpoints.class);

  static final String PGP_UNSUPPORTED = "PGP-encrypted shares are not supported";

  private final Vault vault;
  private final String buildDate;
  private final Clock clock;
  private final ClusterStatus cluster;
  /** sys/unseal is unauthenticated: refused shares are counted per remote address. */
  private final ShareRefusalLimiter refusals;

  SealEndpoints(Vault vault, String buildDate, Clock clock, ClusterStatus cluster) {
    this.vault = vault;
    this.buildDate = buildDate;
    this.clock = clock;
    this.cluster = cluster;
    this.refusals = new ShareRefusalLimiter();
  }

  void register(Routes.Builder routes) {
    routes
        .always("/v1/sys/seal-status", Access.unauthenticated(), this::sealStatus, GET)
        .always("/v1/sys/init", Access.unauthenticated(), this::initialized, GET)
        .always("/v1/sys/init", Access.unauthenticated(), this::init, PUT, POST)
        .always("/v1/sys/unseal", Access.unauthenticated(), this::unseal, PUT, POST)
        .always("/v1/sys/seal", Access.token().sudo(), this::seal, PUT, POST)
        .always("/v1/sys/health", Access.unauthenticated(), this::health, GET, HEAD)
        .always("/v1/sys/leader", Access.unauthenticated(), this::leader, GET)
        .unsealed("/v1/sys/step-down", Access.token().sudo(), this::stepDown, PUT, POST);
  }

  /**
   * Unauthenticated and served while sealed, as OpenBao's {@code internal/http/sys_leader.go}: a
   * node without HA answers only {@code ha_enabled: false} (OpenBao's {@code TestSysLeader_get});
   * a sealed node of a cluster 503 "Vault is sealed"; an unsealed one who is active, with the
   * active master's advertised address and since when it is active. brine has no cluster port:
   * {@code leader_cluster_address} is empty. {@code bao status} and the last {@code bao operator
   * unseal} read it.
   */
  private ApiResponse leader(ApiRequest request) {
    if (!cluster.haEnabled()) {
      return ApiResponse.ok(ApiJson.leaderWithoutHa());
    }
    if (vault.sealStatus().sealed()) {
      return ApiResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, OperatorApi.SEALED);
    }
    return ApiResponse.ok(ApiJson.leader(cluster.active(), cluster.leader().orElse(null)));
  }

  /**
   * 204. The active master gives up the HA lock; a standby takes over at its next attempt, and
   * this one competes again after a while (OpenBao's 10 s). Without HA there is nothing to step
   * down from, as in OpenBao. A standby never gets here: the request path sends it on.
   */
  private ApiResponse stepDown(ApiRequest request) {
    // After the response entry: stepping down closes this master's audit devices.
    request.afterResponseRecorded(cluster::stepDown);
    return ApiResponse.noContent();
  }

  private ApiResponse sealStatus(ApiRequest request) {
    return ApiResponse.ok(ApiJson.sealStatus(vault.sealStatus(), buildDate));
  }

  private ApiResponse initialized(ApiRequest request) throws VaultException {
    return ApiResponse.ok(ApiJson.object().put("initialized", vault.isInitialized()));
  }

  private ApiResponse init(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    if (body.isSet("pgp_keys")
        || body.isSet("recovery_pgp_keys")
        || body.isSet("root_token_pgp_key")) {
      throw new InvalidRequestException(PGP_UNSUPPORTED);
    }
    InitRequest init =
        new InitRequest(
            body.integer("secret_shares"),
            body.integer("secret_threshold"),
            body.integer("recovery_shares"),
            body.integer("recovery_threshold"));
    return ApiResponse.ok(ApiJson.initResult(vault.initialize(init)));
  }

  /**
   * {@code reset} wins over {@code key}; each accepted part answers the seal status. On a vault
   * that checks shares on arrival, a reset that carries one of the vault's shares in {@code key}
   * discards every share collected; one without discards only the shares given from its own
   * address (OpenBao takes a reset from anyone and discards all, which lets a stranger wipe the
   * operators' progress at will). A reset with a foreign share counts, and is logged, as a refused
   * share.
   */
  private ApiResponse unseal(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    if (body.bool("reset")) {
      return reset(request, body.string("key"));
    }
    String key = body.string("key");
    if (key == null || key.isEmpty()) {
      throw new InvalidRequestException(
          "'key' must be specified in request body as JSON, or 'reset' set to true");
    }
    return submit(request, key, body.bool("migrate"));
  }

  /**
   * One share from anyone who reaches the API. A vault with check values refuses a stranger's share
   * before it counts, so an address over its allowance still gets its real shares through (an
   * operator behind the same address as a flooder is not locked out) and only its refusals turn
   * into 429s. A vault without them cannot tell, so there an address over its allowance is not
   * heard at all: its shares could spoil the operators' attempt.
   */
  private ApiResponse submit(ApiRequest request, String key, boolean migrate)
      throws VaultException {
    InetAddress from = request.remoteAddress();
    if (refusals.limited(from) && !vault.checksSharesOnArrival()) {
      return tooManyRefusals(from);
    }
    SealStatus status;
    try {
      status = vault.submitUnsealKey(key, migrate, submitter(from));
    } catch (InvalidRequestException e) {
      switch (refusals.refused(from)) {
        case ANSWER:
          if (e instanceof ForeignShareException) {
            log.warn("unseal: refused a share of no operator from {}", request.remoteForLog());
          } else {
            log.warn("unseal: refused a key from {}: {}", request.remoteForLog(), e.getMessage());
          }
          return ApiResponse.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        case NOW_LIMITED:
          log.warn(
              "unseal: {} had more than {} keys refused within {} s; its further refusals are"
                  + " answered 429 and not logged until it slows down",
              request.remoteForLog(),
              refusals.burst(),
              refusals.windowSeconds());
          return tooManyRefusals(from);
        default:
          return tooManyRefusals(from);
      }
    }
    return ApiResponse.ok(ApiJson.sealStatus(status, buildDate));
  }

  private ApiResponse reset(ApiRequest request, String proof) throws VaultException {
    InetAddress from = request.remoteAddress();
    if (refusals.limited(from)) {
      return tooManyRefusals(from);
    }
    try {
      return ApiResponse.ok(
          ApiJson.sealStatus(vault.resetUnseal(proof, submitter(from)), buildDate));
    } catch (InvalidRequestException e) {
      if (refusals.refused(from) != ShareRefusalLimiter.Verdict.ANSWER) {
        return tooManyRefusals(from);
      }
      log.warn("unseal: refused a reset from {}: {}", request.remoteForLog(), e.getMessage());
      return ApiResponse.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    }
  }

  /** Who gave a share, for a reset without proof (which undoes only its own): the source. */
  private static String submitter(InetAddress from) {
    InetAddress source = SourceAddress.of(from);
    return source == null ? null : source.getHostAddress();
  }

  private ApiResponse tooManyRefusals(InetAddress from) {
    return ApiResponse.error(
        HttpResponseStatus.TOO_MANY_REQUESTS,
        "too many refused unseal keys from this address; try again in "
            + refusals.retryAfterSeconds(from)
            + " s");
  }

  /** 204; the vault skips the token check when already sealed, as OpenBao does. */
  private ApiResponse seal(ApiRequest request) throws VaultException {
    if (request.caller() == null && !vault.sealStatus().sealed()) {
      // Let through while sealed, and unsealed since: the policy was never checked.
      throw new PermissionDeniedException("permission denied");
    }
    // Without a caller (let through while sealed), no token: if the vault unsealed in between,
    // the vault's own check refuses the seal rather than taking the request's unchecked token.
    vault.seal(request.caller() == null ? null : request.token());
    return ApiResponse.noContent();
  }

  /**
   * 200 active (or alone), 429 an unsealed standby of a cluster, 501 not initialized, 503 sealed,
   * each overridable by query ({@code activecode}, {@code standbycode}, {@code uninitcode}, {@code
   * sealedcode}); {@code standbyok} makes a standby answer as the active one does, for OpenBao's
   * load-balancer checks.
   */
  private ApiResponse health(ApiRequest request) throws VaultException {
    // Every override is checked, whatever the state, so a typo is a 400 now, not on the day the
    // vault seals (OpenBao checks them all up front too).
    int uninitialized = request.statusCodeParameter("uninitcode", 501);
    int sealedCode = request.statusCodeParameter("sealedcode", 503);
    int active = request.statusCodeParameter("activecode", 200);
    boolean standbyOk = request.flagParameter("standbyok");
    int standbyCode = request.statusCodeParameter("standbycode", 429);
    SealStatus s = vault.sealStatus();
    boolean standby = s.initialized() && !s.sealed() && !cluster.active();
    int code =
        !s.initialized()
            ? uninitialized
            : s.sealed() ? sealedCode : standby && !standbyOk ? standbyCode : active;
    ObjectNode body = ApiJson.object();
    body.put("initialized", s.initialized());
    body.put("sealed", s.sealed());
    body.put("standby", standby);
    body.put("performance_standby", false);
    body.put("server_time_utc", clock.instant().getEpochSecond());
    body.put("version", s.version());
    return ApiResponse.withStatus(HttpResponseStatus.valueOf(code), body);
  }
}
