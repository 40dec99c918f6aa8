package io.brine.master.api;

import io.brine.vault.VaultException;

/** What one method on one path does. Runs on the vault executor, never on a Netty I/O thread. */
@FunctionalInterface
interface Endpoint {
  /**
   * @throws VaultException mapped to a status code by its type ({@link OperatorApiHandler})
   */
  ApiResponse handle(ApiRequest request) throws VaultException;
}
