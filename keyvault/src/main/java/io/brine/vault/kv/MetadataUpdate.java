package io.brine.vault.kv;

import io.brine.vault.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The fields of a write on {@code metadata/}: each null when the request does not set it. In
 * {@code customMetadata}, a null value removes that key (meaningful for a PATCH).
 */
public record MetadataUpdate(
    Integer maxVersions,
    Boolean casRequired,
    Duration deleteVersionAfter,
    Map<String, String> customMetadata) {

  void check() throws InvalidRequestException {
    if (maxVersions != null) {
      checkMaxVersions(maxVersions);
    }
    if (deleteVersionAfter != null && deleteVersionAfter.isNegative()) {
      throw new InvalidRequestException("delete_version_after cannot be negative");
    }
    if (customMetadata != null && customMetadata.size() > KvLimits.MAX_CUSTOM_METADATA_PAIRS) {
      throw tooManyPairs();
    }
  }

  static void checkMaxVersions(int maxVersions) throws InvalidRequestException {
    if (maxVersions < 0) {
      throw new InvalidRequestException("max_versions cannot be negative");
    }
    if (maxVersions > KvLimits.MAX_VERSIONS_CEILING) {
      throw new InvalidRequestException(
          "max_versions cannot be more than " + KvLimits.MAX_VERSIONS_CEILING + " in brine");
    }
  }

  /** Vault's bounds on custom metadata, checked on what would be stored. */
  static void checkCustom(Map<String, String> custom) throws InvalidRequestException {
    if (custom.size() > KvLimits.MAX_CUSTOM_METADATA_PAIRS) {
      throw tooManyPairs();
    }
    for (Map.Entry<String, String> e : custom.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new InvalidRequestException("custom_metadata keys cannot be empty");
      }
      if (e.getKey().getBytes(StandardCharsets.UTF_8).length > KvLimits.MAX_CUSTOM_METADATA_KEY) {
        throw new InvalidRequestException(
            "custom_metadata keys are limited to "
                + KvLimits.MAX_CUSTOM_METADATA_KEY
                + " bytes: "
                + KvPaths.quote(e.getKey()));
      }
      if (e.getValue().getBytes(StandardCharsets.UTF_8).length
          > KvLimits.MAX_CUSTOM_METADATA_VALUE) {
        throw new InvalidRequestException(
            "custom_metadata values are limited to "
                + KvLimits.MAX_CUSTOM_METADATA_VALUE
                + " bytes: the value of "
                + KvPaths.quote(e.getKey()));
      }
    }
  }

  private static InvalidRequestException tooManyPairs() {
    return new InvalidRequestException(
        "custom_metadata is limited to " + KvLimits.MAX_CUSTOM_METADATA_PAIRS + " key-value pairs");
  }
}
