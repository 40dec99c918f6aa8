package io.brine.master.listener;

import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import java.util.concurrent.CompletableFuture;

/**
 * What the master does with a minion's REQUEST once it is opened under the session: the job and
 * file layers plug in here. Called on the connection's event loop, so an implementation must not
 * block: it does its work elsewhere and completes the future (on any thread) with the plaintext of
 * the REPLY. A future that fails closes the connection; an expected failure (an unknown job, a
 * refused path) belongs in the REPLY instead.
 */
@FunctionalInterface
public interface SessionRequests {
  CompletableFuture<byte[]> handle(MinionId id, byte[] request);

  /**
   * A REQUEST on a call session ({@code brine call}): not the minion's connection, so it may ask
   * for less (no returns, no grains). This default takes nothing: the future fails, which closes
   * the call session.
   */
  default CompletableFuture<byte[]> handleCallSession(MinionId id, byte[] request) {
    return CompletableFuture.failedFuture(
        new ProtocolException("this master takes no requests on call sessions"));
  }
}
