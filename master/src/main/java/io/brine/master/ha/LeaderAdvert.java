package io.brine.master.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.config.RedirectAddress;
import io.brine.vault.IntegrityException;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.UUID;

/**
 * What the active master tells the standbys about itself, behind the barrier at {@code
 * core/leader/<uuid>} (OpenBao's path), where {@code <uuid>} is the value of the HA lock it holds.
 * Being behind the barrier, it was written by a master that holds the vault's keys: someone who can
 * only write to the database cannot make the standbys send operators, and their tokens, elsewhere.
 *
 * <pre>
 *   {"redirect_addr": "https://m1.example:8200", "cluster_addr": "", "active_time": "2026-...Z"}
 * </pre>
 *
 * <p>{@code cluster_addr} is OpenBao's field; brine has no cluster port, so it is empty.
 */
record LeaderAdvert(String redirectAddr, Instant activeTime) {
  static final String PREFIX = "core/leader/";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The barrier path of the advert for lock value {@code value}, which must be a UUID. */
  static String path(String value) throws IntegrityException {
    return PREFIX + checkedValue(value);
  }

  /** The lock's value as read from the database, refused unless it is a UUID as brine writes. */
  static String checkedValue(String value) throws IntegrityException {
    try {
      if (value.length() == 36 && UUID.fromString(value).toString().equals(value)) {
        return value;
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new IntegrityException("the HA lock's value is not one a brine master writes");
  }

  byte[] toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("redirect_addr", redirectAddr);
    o.put("cluster_addr", "");
    o.put("active_time", activeTime.toString());
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the leader advert as JSON", e);
    }
  }

  static LeaderAdvert parse(byte[] json) throws IntegrityException {
    try {
      JsonNode o = JSON.readTree(json);
      String address = o.path("redirect_addr").asText("");
      if (RedirectAddress.problem(address) != null) {
        throw new IntegrityException("the leader advert names no usable address");
      }
      return new LeaderAdvert(address, Instant.parse(o.path("active_time").asText("")));
    } catch (IOException | DateTimeException e) {
      throw new IntegrityException("the leader advert is unreadable");
    }
  }
}
