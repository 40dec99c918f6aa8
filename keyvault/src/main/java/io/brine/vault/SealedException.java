package io.brine.vault;

/** The vault is sealed: nothing behind the barrier can be read or written. */
public final class SealedException extends VaultException {
  public SealedException() {
    super("Vault is sealed");
  }
}
