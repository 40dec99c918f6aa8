package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;

/**
 * {@code sys/generate-root-token/attempt} (GET status, PUT/POST start, DELETE cancel) and {@code
 * .../update}: a new root token from a quorum of shares, handed out XOR a one-time pad. The server
 * draws the pad and returns it from the start call; a client-chosen {@code otp} or a {@code
 * pgp_key} is refused rather than ignored, so no client decodes with the wrong pad.
 */
final class GenerateRootEndpoints {
  private static final String ATTEMPT = "/v1/sys/generate-root-token/attempt";
  private static final String UPDATE = "/v1/sys/generate-root-token/update";

  private final Vault vault;

  GenerateRootEndpoints(Vault vault) {
    this.vault = vault;
  }

  /** A new root token is the most privileged act of all: sudo, as the issue asks. */
  private static final Access SUDO = Access.token().sudo();

  void register(Routes.Builder routes) {
    routes
        .unsealed(ATTEMPT, SUDO, this::status, GET)
        .unsealed(ATTEMPT, SUDO, this::start, PUT, POST)
        .unsealed(ATTEMPT, SUDO, this::cancel, DELETE)
        .unsealed(UPDATE, SUDO, this::update, PUT, POST);
  }

  private ApiResponse status(ApiRequest request) throws VaultException {
    return ApiResponse.ok(ApiJson.generateRootStatus(vault.generateRootStatus(request.token())));
  }

  private ApiResponse start(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    if (body.isSet("pgp_key")) {
      throw new InvalidRequestException("PGP-encrypted root tokens are not supported");
    }
    if (body.isSet("otp")) {
      throw new InvalidRequestException(
          "a client-chosen otp is not supported: the server returns the one-time pad to use");
    }
    return ApiResponse.ok(ApiJson.generateRootStatus(vault.startGenerateRoot(request.token())));
  }

  private ApiResponse cancel(ApiRequest request) throws VaultException {
    vault.cancelGenerateRoot(request.token());
    return ApiResponse.noContent();
  }

  private ApiResponse update(ApiRequest request) throws VaultException {
    QuorumPart part = QuorumPart.of(request.body());
    return ApiResponse.ok(
        ApiJson.generateRootStatus(
            vault.submitGenerateRootKey(request.token(), part.key(), part.nonce())));
  }
}
