package io.brine.vault;

/**
 * A vault operation that did not succeed. The subclass says why, and the HTTP API maps each
 * subclass to one status code, as OpenBao does:
 *
 * <ul>
 *   <li>{@link SealedException}: 503, "Vault is sealed"
 *   <li>{@link InvalidRequestException}: 400 (bad input, a wrong or foreign share, init twice)
 *   <li>{@link PermissionDeniedException}: 403 (missing or wrong token)
 *   <li>this class itself: 500 (storage or HSM failure, integrity error)
 * </ul>
 *
 * Messages are one line, name no secret, and are safe to show an operator.
 */
public class VaultException extends Exception {
  public VaultException(String message) {
    super(message);
  }

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
