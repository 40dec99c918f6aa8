package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.RotationKind;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;

/**
 * Keyring, root key and share rotations, all token-authenticated:
 *
 * <ul>
 *   <li>{@code sys/rotate} and {@code sys/rotate/keyring}: a new barrier term; {@code
 *       sys/key-status} shows the active one.
 *   <li>{@code sys/rotate/root}: a new root key, the shares unchanged.
 *   <li>{@code sys/rotate/root/init|update} (rekey: new unseal shares and a new root key) and
 *       {@code sys/rotate/recovery/init|update} (new recovery shares). OpenBao's legacy {@code
 *       sys/rekey/*} and {@code sys/rekey-recovery-key/*} are aliases, authenticated here too: the
 *       unauthenticated originals let anyone cancel a rekey (CVE-2025-52894).
 * </ul>
 */
final class KeyRotationEndpoints {
  private final Vault vault;

  KeyRotationEndpoints(Vault vault) {
    this.vault = vault;
  }

  /** Every rotation is root-protected in OpenBao ({@code PathsSpecial.Root}: rotate, rekey). */
  private static final Access SUDO = Access.token().sudo();

  void register(Routes.Builder routes) {
    routes
        .unsealed("/v1/sys/rotate", SUDO, this::rotateKeyring, PUT, POST)
        .unsealed("/v1/sys/rotate/keyring", SUDO, this::rotateKeyring, PUT, POST)
        .unsealed("/v1/sys/key-status", this::keyStatus, GET)
        .unsealed("/v1/sys/rotate/root", SUDO, this::rotateRootKey, PUT, POST);
    shareRotation(routes, "/v1/sys/rotate/root", RotationKind.ROOT);
    shareRotation(routes, "/v1/sys/rekey", RotationKind.ROOT);
    shareRotation(routes, "/v1/sys/rotate/recovery", RotationKind.RECOVERY);
    shareRotation(routes, "/v1/sys/rekey-recovery-key", RotationKind.RECOVERY);
  }

  private void shareRotation(Routes.Builder routes, String prefix, RotationKind kind) {
    routes
        .unsealed(prefix + "/init", SUDO, r -> rotationStatus(r, kind), GET)
        .unsealed(prefix + "/init", SUDO, r -> startRotation(r, kind), PUT, POST)
        .unsealed(prefix + "/init", SUDO, r -> cancelRotation(r, kind), DELETE)
        .unsealed(prefix + "/update", SUDO, r -> submitRotationKey(r, kind), PUT, POST);
  }

  private ApiResponse rotateKeyring(ApiRequest request) throws VaultException {
    return ApiResponse.ok(ApiJson.keyringStatus(vault.rotateKeyring(request.token())));
  }

  private ApiResponse keyStatus(ApiRequest request) throws VaultException {
    return ApiResponse.ok(ApiJson.keyringStatus(vault.keyringStatus(request.token())));
  }

  private ApiResponse rotateRootKey(ApiRequest request) throws VaultException {
    vault.rotateRootKey(request.token());
    return ApiResponse.noContent();
  }

  private ApiResponse rotationStatus(ApiRequest request, RotationKind kind) throws VaultException {
    return ApiResponse.ok(ApiJson.rotationStatus(vault.rotationStatus(request.token(), kind)));
  }

  private ApiResponse startRotation(ApiRequest request, RotationKind kind) throws VaultException {
    JsonBody body = request.body();
    if (body.isSet("pgp_keys")) {
      throw new InvalidRequestException(SealEndpoints.PGP_UNSUPPORTED);
    }
    if (body.bool("backup")) {
      throw new InvalidRequestException("backing up PGP-encrypted shares is not supported");
    }
    if (body.bool("require_verification")) {
      throw new InvalidRequestException("verification of the new shares is not supported");
    }
    return ApiResponse.ok(
        ApiJson.rotationStatus(
            vault.startRotation(
                request.token(),
                kind,
                body.integer("secret_shares"),
                body.integer("secret_threshold"))));
  }

  private ApiResponse cancelRotation(ApiRequest request, RotationKind kind) throws VaultException {
    vault.cancelRotation(request.token(), kind);
    return ApiResponse.noContent();
  }

  private ApiResponse submitRotationKey(ApiRequest request, RotationKind kind)
      throws VaultException {
    QuorumPart part = QuorumPart.of(request.body());
    return ApiResponse.ok(
        ApiJson.rotationUpdate(
            vault.submitRotationKey(request.token(), kind, part.key(), part.nonce())));
  }
}
