package io.brine.master.listener;

import io.brine.protocol.MinionId;
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
}
