package io.brine.minion.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.LogText;
import io.brine.minion.functions.builtin.Grains;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.GrainsDocument;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the minion's grains to its master (the {@code grains} call, docs/protocol.md §5): after a
 * new connection's first session, and whenever they change. A report the connection lost is not
 * tried again: the next session sends the grains anew. The master keeps them for grain targets.
 */
final class GrainsReport {
  private static final Logger log = LoggerFactory.getLogger(GrainsReport.class);

  private final MinionId id;
  private final Grains grains;
  private final MasterCalls calls;

  GrainsReport(MinionId id, Grains grains, MasterCalls calls) {
    this.id = id;
    this.grains = grains;
    this.calls = calls;
  }

  /** Sends the grains as they are now; the call waits for a session when none is ready. */
  void send() {
    ObjectNode body = JobJson.MAPPER.createObjectNode();
    try {
      body.set("grains", JobJson.MAPPER.readTree(GrainsDocument.encode(grains.items(id))));
    } catch (ProtocolException | IOException e) {
      log.warn("grains not sent to the master: {}", e.getMessage());
      return;
    }
    calls
        .call(SessionCall.GRAINS, body)
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                log.debug("grains not acknowledged ({}); the next session sends them", failure.getMessage());
              } else if (!reply.isOk()) {
                log.warn("the master refused this minion's grains: {}", LogText.escape(reply.error()));
              } else {
                log.debug("grains sent to the master");
              }
            });
  }
}
