package io.brine.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.kv.KvConfig;
import io.brine.vault.kv.KvMetadata;
import io.brine.vault.kv.VersionMetadata;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The KV version 2 engine's answers in OpenBao's JSON ({@code builtin/logical/kv}): the logical
 * envelope with {@code mount_type} "kv", times as Go's RFC 3339 with nanoseconds (trailing zeros
 * trimmed, "" when unset), durations as Go's {@code time.Duration.String()}.
 */
final class KvJson {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private KvJson() {}

  /** OpenBao's envelope of an answer on the KV mount. */
  static ObjectNode envelope(JsonNode data) {
    ObjectNode o = ApiJson.logical(data);
    o.put("mount_type", "kv");
    return o;
  }

  /** {@code ptypesTimestampToString}: "" for none, else RFC 3339 with trimmed nanoseconds. */
  static String time(Instant t) {
    if (t == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(SECONDS.format(t));
    int nanos = t.getNano();
    if (nanos != 0) {
      String digits = String.format("%09d", nanos);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      b.append('.').append(digits, 0, end);
    }
    return b.append('Z').toString();
  }

  /** Go's {@code time.Duration.String()}: "0s", "1.5s", "1m0s", "72h0m0s", "250ms". */
  static String duration(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    boolean negative = nanos < 0;
    long u = Math.abs(nanos);
    StringBuilder b = new StringBuilder();
    if (u < 1_000_000_000L) {
      if (u < 1_000L) {
        b.append(u).append("ns");
      } else if (u < 1_000_000L) {
        b.append(fraction(u, 1_000L)).append("\u00b5s");
      } else {
        b.append(fraction(u, 1_000_000L)).append("ms");
      }
    } else {
      long hours = u / 3_600_000_000_000L;
      long rest = u % 3_600_000_000_000L;
      long minutes = rest / 60_000_000_000L;
      long seconds = rest % 60_000_000_000L;
      if (hours > 0) {
        b.append(hours).append('h');
      }
      if (hours > 0 || minutes > 0) {
        b.append(minutes).append('m');
      }
      b.append(fraction(seconds, 1_000_000_000L)).append('s');
    }
    return negative ? "-" + b : b.toString();
  }

  /** {@code value / unit} with the remainder as decimals, trailing zeros dropped. */
  private static String fraction(long value, long unit) {
    long whole = value / unit;
    long rest = value % unit;
    if (rest == 0) {
      return Long.toString(whole);
    }
    int width = Long.toString(unit).length() - 1;
    String digits = String.format("%0" + width + "d", rest);
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(0, end);
  }

  /** A version's metadata as the {@code data/} endpoints answer it. */
  static ObjectNode versionMetadata(VersionMetadata v, Map<String, String> custom) {
    ObjectNode o = ApiJson.object();
    o.put("created_time", time(v.createdTime()));
    putCustom(o, custom);
    o.put("deletion_time", time(v.deletionTime()));
    o.put("destroyed", v.destroyed());
    o.put("version", v.version());
    return o;
  }

  /** {@code GET data/<path>}: {@code {"data": {...} or null, "metadata": {...}}}. */
  static ObjectNode read(VersionMetadata v, Map<String, String> custom, JsonNode data) {
    ObjectNode o = ApiJson.object();
    if (data == null) {
      o.putNull("data");
    } else {
      o.set("data", data);
    }
    o.set("metadata", versionMetadata(v, custom));
    return o;
  }

  /** {@code GET metadata/<path>}. */
  static ObjectNode metadata(KvMetadata m) {
    ObjectNode o = ApiJson.object();
    o.put("cas_required", m.casRequired());
    o.put("created_time", time(m.createdTime()));
    o.put("current_version", m.currentVersion());
    putCustom(o, m.customMetadata());
    o.put("delete_version_after", duration(m.deleteVersionAfter()));
    o.put("max_versions", m.maxVersions());
    o.put("oldest_version", m.oldestVersion());
    o.put("updated_time", time(m.updatedTime()));
    ObjectNode versions = o.putObject("versions");
    for (VersionMetadata v : m.versions().values()) {
      ObjectNode n = versions.putObject(Integer.toString(v.version()));
      n.put("created_time", time(v.createdTime()));
      n.put("deletion_time", time(v.deletionTime()));
      n.put("destroyed", v.destroyed());
    }
    return o;
  }

  /** {@code GET config}. */
  static ObjectNode config(KvConfig c) {
    ObjectNode o = ApiJson.object();
    o.put("cas_required", c.casRequired());
    o.put("delete_version_after", duration(c.deleteVersionAfter()));
    o.put("max_versions", c.maxVersions());
    return o;
  }

  /** {@code LIST metadata/<folder>}. */
  static ObjectNode keys(List<String> keys) {
    ObjectNode o = ApiJson.object();
    keys.forEach(o.putArray("keys")::add);
    return o;
  }

  private static void putCustom(ObjectNode o, Map<String, String> custom) {
    if (custom == null) {
      o.putNull("custom_metadata");
    } else {
      ObjectNode c = o.putObject("custom_metadata");
      custom.forEach(c::put);
    }
  }
}
