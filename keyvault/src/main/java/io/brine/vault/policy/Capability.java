package io.brine.vault.policy;

import io.brine.vault.InvalidRequestException;
import java.util.Locale;

/**
 * What a policy's path rule may grant, with OpenBao's names. {@code create}, {@code read}, {@code
 * update}, {@code patch}, {@code delete} and {@code list} follow the HTTP verb; {@code scan} is
 * OpenBao's recursive list, accepted so that its policies load unchanged; {@code sudo} is needed in
 * addition on root-protected paths; {@code deny} beats every other capability, {@code sudo}
 * included.
 */
public enum Capability {
  CREATE,
  READ,
  UPDATE,
  PATCH,
  DELETE,
  LIST,
  SCAN,
  SUDO,
  DENY;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The name as written in a policy and answered by sys/capabilities: "create", "read", ... */
  public String wireName() {
    return wireName;
  }

  /** The capability named {@code s} exactly (OpenBao's names are lower case). */
  public static Capability parse(String s) throws InvalidRequestException {
    for (Capability c : values()) {
      if (c.wireName.equals(s)) {
        return c;
      }
    }
    throw new InvalidRequestException(
        "unknown capability "
            + QuotedText.of(s)
            + " (one of create, read, update, patch, delete,"
            + " list, scan, sudo, deny)");
  }
}
