package io.brine.master.pki;

import io.brine.protocol.MinionId;
import java.util.List;
import java.util.Objects;

/**
 * What an operator transition ({@code brine key -a/-r/-d}) did.
 *
 * @param changes one entry per key file moved or deleted, in the order they happened
 * @param refused keys that were left where they were, with the reason (a key file that does not
 *     parse is never accepted)
 * @param acceptedKeyRemoved true when a key in {@code minions/} was rejected, deleted or replaced:
 *     the caller rotates the publish key, because the old key's holder knows the current one
 */
public record KeyChanges(List<Change> changes, List<Refusal> refused, boolean acceptedKeyRemoved) {
  public KeyChanges {
    changes = List.copyOf(changes);
    refused = List.copyOf(refused);
  }

  /** One key file moved from {@code from} to {@code to}; {@code to} is null when it was deleted. */
  public record Change(MinionId id, KeyStatus from, KeyStatus to) {
    public Change {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(from, "from");
    }

    public boolean deleted() {
      return to == null;
    }
  }

  /** A key that stayed in {@code status} because of {@code reason} (one line, no key material). */
  public record Refusal(MinionId id, KeyStatus status, String reason) {}
}
