package io.brine.master.pillar;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One minion's pillar as the reply carries it.
 *
 * @param pillar the merged data; with Salt's {@code _errors} list in it when any file failed
 * @param bytes the size of its JSON, at most {@link io.brine.protocol.job.SessionCall#MAX_PILLAR_BYTES}
 * @param errors the lines of {@code _errors} (empty when every file rendered)
 */
public record CompiledPillar(ObjectNode pillar, int bytes, List<String> errors) {
  public CompiledPillar {
    errors = List.copyOf(errors);
  }
}
