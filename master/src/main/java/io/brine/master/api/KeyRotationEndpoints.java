package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.RotationKind;
import io.brine.vault.RotationStatus;
import io.brine.vault.RotationUpdate;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;

/**
 * Keyring, root key and share rotations, all token-authenticated:
 *
 * <ul>
 *   <li>{@code sys/rotate} and {@code sys/rotate/keyring}: a new barrier term, answered 204 as
 *       OpenBao does; {@code sys/key-status} shows the active one.
 *   <li>{@code sys/rotate/root}: a new root key, the shares unchanged (204).
 *   <li>{@code sys/rotate/root/init|update} (rekey: new unseal shares and a new root key) and
 *       {@code sys/rotate/recovery/init|update} (new recovery shares): OpenBao's logical paths,
 *       their answers in the logical envelope ({@code data}).
 *   <li>OpenBao's legacy {@code sys/rekey/*} and {@code sys/rekey-recovery-key/*}: the same
 *       operations answered flat, as OpenBao's {@code internal/http/sys_rekey.go} answers them,
 *       but authenticated here: the unauthenticated originals let anyone cancel a rekey
 *       (CVE-2025-52894).
 * </ul>
 */
final class KeyRotationEndpoints {
  /** OpenBao's answer on {@code sys/rekey-recovery-key/*} when the seal has no recovery keys. */
  static final String RECOVERY_UNSUPPORTED = "recovery rekeying not supported";

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
    shareRotation(routes, "/v1/sys/rotate/root", RotationKind.ROOT, Shape.LOGICAL);
    shareRotation(routes, "/v1/sys/rekey", RotationKind.ROOT, Shape.LEGACY);
    shareRotation(routes, "/v1/sys/rotate/recovery", RotationKind.RECOVERY, Shape.LOGICAL);
    shareRotation(routes, "/v1/sys/rekey-recovery-key", RotationKind.RECOVERY, Shape.LEGACY);
  }

  /** How a path answers: in the logical envelope, or flat as OpenBao's legacy handlers. */
  private enum Shape {
    LOGICAL,
    LEGACY
  }

  private void shareRotation(
      Routes.Builder routes, String prefix, RotationKind kind, Shape shape) {
    routes
        .unsealed(prefix + "/init", SUDO, r -> rotationStatus(r, kind, shape), GET)
        .unsealed(prefix + "/init", SUDO, r -> startRotation(r, kind, shape), PUT, POST)
        .unsealed(prefix + "/init", SUDO, r -> cancelRotation(r, kind, shape), DELETE)
        .unsealed(prefix + "/update", SUDO, r -> submitRotationKey(r, kind, shape), PUT, POST);
  }

  private ApiResponse rotateKeyring(ApiRequest request) throws VaultException {
    vault.rotateKeyring(request.token());
    return ApiResponse.noContent();
  }

  private ApiResponse keyStatus(ApiRequest request) throws VaultException {
    return ApiResponse.ok(
        ApiJson.logicalWithDataOnTop(
            ApiJson.keyringStatus(vault.keyringStatus(request.token()))));
  }

  private ApiResponse rotateRootKey(ApiRequest request) throws VaultException {
    vault.rotateRootKey(request.token());
    return ApiResponse.noContent();
  }

  private ApiResponse rotationStatus(ApiRequest request, RotationKind kind, Shape shape)
      throws VaultException {
    requireRecoverySupport(request, kind, shape);
    RotationStatus status = vault.rotationStatus(request.token(), kind);
    return ApiResponse.ok(
        shape == Shape.LOGICAL
            ? ApiJson.logical(ApiJson.rotationStatusData(status))
            : ApiJson.legacyRekeyStatus(status));
  }

  private ApiResponse startRotation(ApiRequest request, RotationKind kind, Shape shape)
      throws VaultException {
    requireRecoverySupport(request, kind, shape);
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
    RotationStatus status =
        vault.startRotation(
            request.token(), kind, body.integer("secret_shares"), body.integer("secret_threshold"));
    return ApiResponse.ok(
        shape == Shape.LOGICAL
            ? ApiJson.logical(ApiJson.rotationStatusData(status))
            : ApiJson.legacyRekeyStatus(status));
  }

  /** 204 in both shapes: OpenBao's logical cancel returns nothing, its legacy one no body. */
  private ApiResponse cancelRotation(ApiRequest request, RotationKind kind, Shape shape)
      throws VaultException {
    requireRecoverySupport(request, kind, shape);
    vault.cancelRotation(request.token(), kind);
    return ApiResponse.noContent();
  }

  private ApiResponse submitRotationKey(ApiRequest request, RotationKind kind, Shape shape)
      throws VaultException {
    QuorumPart part = QuorumPart.of(request.body());
    RotationUpdate update =
        vault.submitRotationKey(request.token(), kind, part.key(), part.nonce());
    return ApiResponse.ok(
        shape == Shape.LOGICAL
            ? ApiJson.logical(ApiJson.rotationUpdateData(update))
            : ApiJson.legacyRekeyUpdate(update));
  }

  /**
   * OpenBao's legacy {@code sys/rekey-recovery-key/init} refuses every method, before anything
   * else, when the seal has no recovery keys (a Shamir vault); the token is still checked first
   * here, so a stranger learns nothing of the seal from it.
   */
  private void requireRecoverySupport(ApiRequest request, RotationKind kind, Shape shape)
      throws VaultException {
    if (kind == RotationKind.RECOVERY && shape == Shape.LEGACY) {
      vault.checkToken(request.token());
      if (!vault.sealStatus().recoverySeal()) {
        throw new InvalidRequestException(RECOVERY_UNSUPPORTED);
      }
    }
  }
}
