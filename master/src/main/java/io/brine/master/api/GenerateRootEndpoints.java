package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import io.brine.vault.GenerateRootStatus;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;

/**
 * {@code sys/generate-root-token/attempt} (GET status, PUT/POST start, DELETE cancel) and {@code
 * .../update}: a new root token from a quorum of shares, handed out XOR a one-time pad. The server
 * draws the pad and returns it from the start call; a client-chosen {@code otp} or a {@code
 * pgp_key} is refused rather than ignored, so no client decodes with the wrong pad.
 *
 * <p>These are OpenBao's logical paths, answered in the logical envelope. OpenBao's legacy {@code
 * sys/generate-root/attempt|update} (what OpenBao's Go client and hvac call) answer the same
 * operations flat, as {@code internal/http/sys_generate_root.go} does; authenticated here, as
 * OpenBao's default since 2.5.3 leaves only the authenticated paths.
 */
final class GenerateRootEndpoints {
  private final Vault vault;

  GenerateRootEndpoints(Vault vault) {
    this.vault = vault;
  }

  /** A new root token is the most privileged act of all: sudo, as the issue asks. */
  private static final Access SUDO = Access.token().sudo();

  void register(Routes.Builder routes) {
    register(routes, "/v1/sys/generate-root-token", Shape.LOGICAL);
    register(routes, "/v1/sys/generate-root", Shape.LEGACY);
  }

  /** How a path answers: in the logical envelope, or flat as OpenBao's legacy handlers. */
  private enum Shape {
    LOGICAL,
    LEGACY
  }

  private void register(Routes.Builder routes, String prefix, Shape shape) {
    routes
        .unsealed(prefix + "/attempt", SUDO, r -> status(r, shape), GET)
        .unsealed(prefix + "/attempt", SUDO, r -> start(r, shape), PUT, POST)
        .unsealed(prefix + "/attempt", SUDO, this::cancel, DELETE)
        .unsealed(prefix + "/update", SUDO, r -> update(r, shape), PUT, POST);
  }

  private ApiResponse status(ApiRequest request, Shape shape) throws VaultException {
    return attempt(vault.generateRootStatus(request.token()), shape);
  }

  private ApiResponse start(ApiRequest request, Shape shape) throws VaultException {
    JsonBody body = request.body();
    if (body.isSet("pgp_key")) {
      throw new InvalidRequestException("PGP-encrypted root tokens are not supported");
    }
    if (body.isSet("otp")) {
      throw new InvalidRequestException(
          "a client-chosen otp is not supported: the server returns the one-time pad to use");
    }
    return attempt(vault.startGenerateRoot(request.token()), shape);
  }

  private static ApiResponse attempt(GenerateRootStatus status, Shape shape) {
    return ApiResponse.ok(
        shape == Shape.LOGICAL
            ? ApiJson.logical(ApiJson.generateRootStatusData(status))
            : ApiJson.legacyGenerateRootStatus(status));
  }

  /** 204 in both shapes, as OpenBao answers a cancel. */
  private ApiResponse cancel(ApiRequest request) throws VaultException {
    vault.cancelGenerateRoot(request.token());
    return ApiResponse.noContent();
  }

  private ApiResponse update(ApiRequest request, Shape shape) throws VaultException {
    QuorumPart part = QuorumPart.of(request.body());
    GenerateRootStatus status =
        vault.submitGenerateRootKey(request.token(), part.key(), part.nonce());
    return ApiResponse.ok(
        shape == Shape.LOGICAL
            ? ApiJson.logical(ApiJson.generateRootUpdateData(status, part.nonce()))
            : ApiJson.legacyGenerateRootUpdate(status, part.nonce()));
  }
}
