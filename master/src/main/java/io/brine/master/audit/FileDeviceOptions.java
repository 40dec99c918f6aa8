package io.brine.master.audit;

import io.brine.vault.InvalidRequestException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A file device's options, as OpenBao's {@code file} audit device takes them (all strings): {@code
 * file_path} (required; {@code stdout} and {@code discard} are special), {@code mode} (default
 * {@code "0600"}; {@code "0000"} leaves the mode as it is; execute bits are cleared and modes with
 * setuid, setgid or sticky bits refused, as OpenBao does since 2.4.0), {@code log_raw} (false),
 * {@code hmac_accessor} (true), {@code prefix} (only when the master's config allows it), {@code
 * elide_list_responses} (false), {@code format} (only {@code json}) and {@code skip_test}.
 * Unknown options are refused, so a typo is never silently ignored.
 */
record FileDeviceOptions(
    Map<String, String> given,
    String filePath,
    Integer mode,
    boolean logRaw,
    boolean hmacAccessor,
    String prefix,
    boolean elideListResponses) {
  static final String STDOUT = "stdout";
  static final String DISCARD = "discard";
  static final int DEFAULT_MODE = 0600;

  private static final Set<String> KNOWN =
      Set.of(
          "file_path",
          "mode",
          "log_raw",
          "hmac_accessor",
          "prefix",
          "elide_list_responses",
          "format",
          "skip_test");

  FileDeviceOptions {
    given = Map.copyOf(given);
  }

  /**
   * @param allowPrefix the master config's {@code allow_audit_log_prefixing}
   * @throws InvalidRequestException one line naming the option at fault
   */
  static FileDeviceOptions parse(Map<String, String> options, boolean allowPrefix)
      throws InvalidRequestException {
    for (String key : options.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new InvalidRequestException(
            "unknown option " + key + " for a file audit device; known: "
                + String.join(", ", new TreeSet<>(KNOWN)));
      }
    }
    String filePath = options.get("file_path");
    if (filePath == null || filePath.isBlank()) {
      throw new InvalidRequestException("file_path is required");
    }
    String lower = filePath.toLowerCase(Locale.ROOT);
    if (lower.equals(STDOUT) || lower.equals(DISCARD)) {
      filePath = lower;
    } else {
      try {
        if (!Path.of(filePath).isAbsolute()) {
          throw new InvalidRequestException("file_path must be an absolute path: " + filePath);
        }
      } catch (InvalidPathException e) {
        throw new InvalidRequestException("file_path is not a valid path: " + e.getReason());
      }
    }
    String format = options.getOrDefault("format", "json");
    if (!format.equals("json")) {
      throw new InvalidRequestException("unknown format " + format + ": only json is supported");
    }
    String prefix = options.getOrDefault("prefix", "");
    if (!prefix.isEmpty()) {
      if (!allowPrefix) {
        throw new InvalidRequestException(
            "audit log prefixing is not allowed (allow_audit_log_prefixing is false)");
      }
      if (prefix.indexOf('{') >= 0 || prefix.indexOf('\n') >= 0 || prefix.indexOf('\r') >= 0) {
        throw new InvalidRequestException("prefix may not hold '{' or a line break");
      }
    }
    bool(options, "skip_test", false);
    return new FileDeviceOptions(
        options,
        filePath,
        mode(options.get("mode")),
        bool(options, "log_raw", false),
        bool(options, "hmac_accessor", true),
        prefix,
        bool(options, "elide_list_responses", false));
  }

  /** The mode to set, or null to leave the file's mode alone ({@code "0000"}). */
  private static Integer mode(String text) throws InvalidRequestException {
    if (text == null || text.isEmpty()) {
      return DEFAULT_MODE;
    }
    int mode;
    try {
      mode = Integer.parseInt(text, 8);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("mode must be an octal file mode such as 0600: " + text);
    }
    if (mode < 0 || mode > 07777) {
      throw new InvalidRequestException("mode must be an octal file mode such as 0600: " + text);
    }
    if ((mode & 07000) != 0) {
      throw new InvalidRequestException(
          "mode " + text + " is irregular: setuid, setgid and sticky bits are refused");
    }
    if (mode == 0) {
      return null;
    }
    if ((mode & 0200) == 0) {
      // The device checks before each write that it may still write; a mode without the owner's
      // write bit would make it refuse every entry.
      throw new InvalidRequestException("mode " + text + " does not let the owner write");
    }
    return mode & 0666; // execute bits cleared: an audit file is never a program
  }

  private static boolean bool(Map<String, String> options, String key, boolean fallback)
      throws InvalidRequestException {
    String v = options.get(key);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "t" -> {
        return true;
      }
      case "false", "0", "f" -> {
        return false;
      }
      default -> throw new InvalidRequestException(key + " must be true or false, got " + v);
    }
  }

  /** The options as given, sorted, for {@code GET sys/audit}. */
  Map<String, String> shown() {
    return new TreeMap<>(given);
  }
}
