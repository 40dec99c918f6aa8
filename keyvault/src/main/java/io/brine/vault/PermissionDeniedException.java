package io.brine.vault;

/** A privileged call without a valid token, or a token that may not do what it asked. */
public final class PermissionDeniedException extends VaultException {
  public PermissionDeniedException() {
    super("permission denied");
  }

  /** {@code reason}: one line saying what the token lacks; it names no secret. */
  public PermissionDeniedException(String reason) {
    super(reason);
  }
}
