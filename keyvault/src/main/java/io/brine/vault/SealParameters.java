package io.brine.vault;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OpenBao's seal configuration: the seal type and the share scheme, {@code core/seal-config} and
 * {@code core/recovery-config} in OpenBao. Under auto-unseal the barrier's is pkcs11 1/1 and the
 * operator's shares are described by the recovery parameters.
 */
public record SealParameters(
    @JsonProperty("type") String type,
    @JsonProperty("secret_shares") int shares,
    @JsonProperty("secret_threshold") int threshold) {

  /**
   * Checks a share scheme as OpenBao does: 1..255 shares, threshold 1..shares, and at least 2 when
   * there is more than one share.
   *
   * @param what "secret" or "recovery", for the message
   */
  static void validate(String what, int shares, int threshold) throws InvalidRequestException {
    if (shares < 1 || shares > 255) {
      throw new InvalidRequestException(what + "_shares must be between 1 and 255, got " + shares);
    }
    if (threshold < 1 || threshold > shares) {
      throw new InvalidRequestException(
          what + "_threshold must be between 1 and " + what + "_shares (" + shares + "), got "
              + threshold);
    }
    if (shares > 1 && threshold < 2) {
      throw new InvalidRequestException(
          what + "_threshold must be greater than one for multiple shares");
    }
  }
}
