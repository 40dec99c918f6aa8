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
      throw tooManyPairs(customMetadata.size());
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

  /** OpenBao's bounds on custom metadata, checked on what would be stored, in its words. */
  static void checkCustom(Map<String, String> custom) throws InvalidRequestException {
    if (custom.size() > KvLimits.MAX_CUSTOM_METADATA_PAIRS) {
      throw tooManyPairs(custom.size());
    }
    for (Map.Entry<String, String> e : custom.entrySet()) {
      String key = KvPaths.quote(e.getKey());
      int keyLength = e.getKey().getBytes(StandardCharsets.UTF_8).length;
      if (keyLength == 0 || keyLength > KvLimits.MAX_CUSTOM_METADATA_KEY) {
        throw invalid(
            "length of key " + key + " is " + keyLength + " but must be 0 < len(key) <= "
                + KvLimits.MAX_CUSTOM_METADATA_KEY);
      }
      int valueLength = e.getValue().getBytes(StandardCharsets.UTF_8).length;
      if (valueLength == 0 || valueLength > KvLimits.MAX_CUSTOM_METADATA_VALUE) {
        throw invalid(
            "length of value for key " + key + " is " + valueLength
                + " but must be 0 < len(value) <= " + KvLimits.MAX_CUSTOM_METADATA_VALUE);
      }
      if (!printable(e.getKey())) {
        throw invalid("key " + key + " contains unprintable characters");
      }
      if (!printable(e.getValue())) {
        throw invalid("value for key " + key + " contains unprintable characters");
      }
    }
  }

  private static boolean printable(String s) {
    return s.codePoints().noneMatch(c -> Character.isISOControl(c) || !Character.isDefined(c));
  }

  private static InvalidRequestException tooManyPairs(int given) {
    return invalid(
        "payload must contain at most "
            + KvLimits.MAX_CUSTOM_METADATA_PAIRS
            + " keys, provided "
            + given);
  }

  private static InvalidRequestException invalid(String why) {
    return new InvalidRequestException("custom_metadata validation failed: " + why);
  }
}
