package io.brine.master.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * What the broker hands its devices: a request, a response or one of brine's events, with the time
 * it happened (taken when the broker was told, so an entry buffered while sealed keeps its time).
 * Each device formats it with its own salt and options ({@link EntryFormat}).
 */
record AuditEntry(Instant time, String type, AuditRecord record, AuditEvent event) {
  static final String REQUEST = "request";
  static final String RESPONSE = "response";
  static final String EVENT = "event";

  AuditEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(type, "type");
    if ((record == null) == (event == null)) {
      throw new IllegalArgumentException("an entry is a record or an event");
    }
  }
}
