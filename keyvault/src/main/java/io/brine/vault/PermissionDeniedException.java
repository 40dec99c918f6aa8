package io.brine.vault;

/** A privileged call without a valid token. */
public final class PermissionDeniedException extends VaultException {
  public PermissionDeniedException() {
    super("permission denied");
  }
}
