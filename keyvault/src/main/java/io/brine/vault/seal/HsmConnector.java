package io.brine.vault.seal;

import io.brine.vault.VaultException;

/** Opens the HSM-backed key wrapper; the vault calls it again after a failure, so it may retry. */
@FunctionalInterface
public interface HsmConnector {
  KeyWrapper connect(Pkcs11Config config) throws VaultException;
}
