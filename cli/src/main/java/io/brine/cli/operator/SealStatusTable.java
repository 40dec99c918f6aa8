package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code GET /v1/sys/seal-status} as {@code bao status} prints it; unseal prints it too. */
final class SealStatusTable {
  private SealStatusTable() {}

  static Table of(JsonNode status) {
    boolean sealed = status.path("sealed").asBoolean(true);
    Table table =
        Table.withHeading()
            .row("Seal Type", orNa(status, "type"))
            .row("Initialized", orNa(status, "initialized"))
            .row("Sealed", orNa(status, "sealed"))
            .row("Total Shares", orNa(status, "n"))
            .row("Threshold", orNa(status, "t"));
    // As bao: progress and nonce only mean something while sealed.
    if (sealed) {
      table
          .row("Unseal Progress", status.path("progress").asInt() + "/" + status.path("t").asInt())
          .row("Unseal Nonce", orNa(status, "nonce"));
    }
    table
        .row("Version", orNa(status, "version"))
        .row("Storage Type", orNa(status, "storage_type"))
        .row("Recovery Seal", status.path("recovery_seal").asBoolean(false));
    if (!OperatorCommand.text(status, "recovery_seal_type").isEmpty()) {
      table.row("Recovery Seal Type", OperatorCommand.text(status, "recovery_seal_type"));
    }
    return table.row("Migration", status.path("migration").asBoolean(false));
  }

  private static String orNa(JsonNode node, String field) {
    String text = OperatorCommand.text(node, field);
    return text.isEmpty() ? "n/a" : text;
  }
}
