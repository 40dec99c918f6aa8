package io.brine.master.audit;

import io.brine.vault.InvalidRequestException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The audit part of the master config's {@code vault:} block, with OpenBao's names where OpenBao
 * has one.
 *
 * @param allowApiCreation {@code unsafe_allow_api_audit_creation}: {@code PUT sys/audit/<path>} may
 *     enable a device (OpenBao refuses it by default since 2.3.2: CVE-2025-54997)
 * @param allowPrefixing {@code allow_audit_log_prefixing}: a device may have a {@code prefix}
 * @param declared the {@code audit:} list, applied at every unseal; a declared device removed from
 *     the list is disabled (its salt dropped), as OpenBao does with its {@code audit} stanzas
 * @param checkpointEvery {@code audit_checkpoint_entries}: a signed checkpoint after this many
 *     entries (default 1000)
 * @param checkpointInterval {@code audit_checkpoint_interval}: or this long after an entry with
 *     none since (default 60 s)
 */
public record AuditConfig(
    boolean allowApiCreation,
    boolean allowPrefixing,
    List<Declared> declared,
    int checkpointEvery,
    Duration checkpointInterval) {
  public static final int DEFAULT_CHECKPOINT_EVERY = FileAuditDevice.CheckpointPolicy.DEFAULT_EVERY;
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL =
      FileAuditDevice.CheckpointPolicy.DEFAULT_INTERVAL;

  /** No declared device, API creation and prefixes refused, default checkpoints. */
  public static final AuditConfig DEFAULTS =
      new AuditConfig(false, false, List.of(), DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_INTERVAL);

  /** One letter, digit, '.', '_' or '-' run: a device's path is one segment (e.g. {@code file}). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  public AuditConfig {
    declared = List.copyOf(declared);
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    new FileAuditDevice.CheckpointPolicy(checkpointEvery, checkpointInterval); // checks
  }

  FileAuditDevice.CheckpointPolicy checkpoints() {
    return new FileAuditDevice.CheckpointPolicy(checkpointEvery, checkpointInterval);
  }

  /** One {@code audit:} entry: {@code {type: file, path: NAME, description, options: {...}}}. */
  public record Declared(String path, String type, String description, Map<String, String> options) {
    public Declared {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(type, "type");
      description = description == null ? "" : description;
      options = Map.copyOf(options);
    }
  }

  /**
   * Checks a device's type and options as enabling it would, so the config's mistakes are caught
   * when it is loaded.
   *
   * @return the device's path without a trailing slash
   */
  public static String check(
      String path, String type, Map<String, String> options, boolean allowPrefixing)
      throws InvalidRequestException {
    String name = name(path);
    checkType(type);
    FileDeviceOptions.parse(options, allowPrefixing);
    return name;
  }

  /** The device path as stored: {@code file/} and {@code file} are the same device. */
  static String name(String path) throws InvalidRequestException {
    String name = path == null ? "" : path.strip();
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new InvalidRequestException(
          "audit device path must be one segment of letters, digits, '.', '_' or '-': "
              + io.brine.common.log.RefusalLog.shown(path));
    }
    return name;
  }

  static void checkType(String type) throws InvalidRequestException {
    if (!"file".equals(type)) {
      throw new InvalidRequestException(
          "unknown audit device type " + io.brine.common.log.RefusalLog.shown(type)
              + ": brine has the file device only");
    }
  }
}
