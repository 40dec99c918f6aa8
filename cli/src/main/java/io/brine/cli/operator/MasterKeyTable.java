package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** The master key's status ({@code data} of {@code sys/master-key}) as a table. */
final class MasterKeyTable {
  private MasterKeyTable() {}

  static Table of(JsonNode data) {
    if (!data.has("epoch") || !data.has("fingerprint") || !data.path("retained").isArray()) {
      throw OperatorCommand.unexpected("epoch, fingerprint and retained");
    }
    Table table =
        Table.plain()
            .row("Key Epoch", data.path("epoch").asInt())
            .row("Fingerprint", data.path("fingerprint").asText());
    for (JsonNode r : data.path("retained")) {
      table.row(
          "Previous Key (epoch " + r.path("epoch").asInt() + ")",
          r.path("fingerprint").asText()
              + ", answered until "
              + Instant.ofEpochSecond(r.path("grace_end").asLong()));
    }
    return table;
  }
}
