package io.brine.master.listener;

import io.brine.protocol.MinionId;
import java.nio.charset.StandardCharsets;

/**
 * What the master does with a minion's REQUEST once it is opened under the session: the job and
 * file layers plug in here. Called on the connection's event loop, so an implementation must not
 * block; the returned bytes are sealed as the REPLY.
 */
@FunctionalInterface
public interface SessionRequests {
  /** Until the job layer exists: every request is answered with a JSON error. */
  SessionRequests NONE =
      (id, request) ->
          "{\"error\":\"this master serves no requests yet\"}".getBytes(StandardCharsets.UTF_8);

  /** @return the plaintext of the REPLY */
  byte[] handle(MinionId id, byte[] request);
}
