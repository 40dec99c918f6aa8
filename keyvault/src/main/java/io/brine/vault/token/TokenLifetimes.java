package io.brine.vault.token;

import io.brine.vault.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;

/**
 * OpenBao's TTL rules for the token store ({@code framework.CalculateTTL} with the system's
 * defaults): the system default and maximum are both 32 days; an explicit max lowers the maximum
 * for good; a period resets the TTL to the period at each renewal; a child never outlives its
 * parent.
 */
final class TokenLifetimes {
  /** OpenBao's default system max_lease_ttl (and default_lease_ttl): 768h. */
  static final Duration SYSTEM_MAX_TTL = Duration.ofHours(768);

  private TokenLifetimes() {}

  /**
   * The TTL of a new token (zero: it never expires).
   *
   * @param parentExpires the parent's expiry when the child is not an orphan (null: none)
   */
  static Duration forNew(
      Instant now,
      Duration ttl,
      Duration explicitMax,
      Duration period,
      boolean rootPolicy,
      Instant parentExpires) {
    Duration max = effectiveMax(explicitMax);
    Duration result;
    if (period.compareTo(Duration.ZERO) > 0) {
      result = min(period, max);
    } else if (ttl.compareTo(Duration.ZERO) > 0) {
      result = min(ttl, max);
    } else if (!rootPolicy) {
      result = max;
    } else {
      // A root token without TTL never expires, unless an explicit max bounds it.
      result = explicitMax;
    }
    if (parentExpires != null) {
      Duration parentLeft = Duration.between(now, parentExpires);
      if (result.isZero() || parentLeft.compareTo(result) < 0) {
        result = parentLeft.isNegative() ? Duration.ZERO : parentLeft;
      }
    }
    return result;
  }

  /**
   * The TTL after a renewal at {@code now}: the period for a periodic token, else the increment
   * (or the creation TTL), capped by the maximum counted from creation.
   */
  static Duration forRenewal(TokenEntry e, Instant now, Duration increment)
      throws InvalidRequestException {
    if (increment.isNegative()) {
      throw new InvalidRequestException("increment cannot be negative");
    }
    Duration result;
    if (e.period().compareTo(Duration.ZERO) > 0) {
      result = min(e.period(), SYSTEM_MAX_TTL);
      if (e.explicitMaxTtl().compareTo(Duration.ZERO) > 0) {
        result = min(result, Duration.between(now, e.creationTime().plus(e.explicitMaxTtl())));
      }
    } else {
      result = increment.compareTo(Duration.ZERO) > 0 ? increment : e.creationTtl();
      Instant maxValid = e.creationTime().plus(effectiveMax(e.explicitMaxTtl()));
      result = min(result, Duration.between(now, maxValid));
    }
    return result;
  }

  private static Duration effectiveMax(Duration explicitMax) {
    return explicitMax.compareTo(Duration.ZERO) > 0 ? min(explicitMax, SYSTEM_MAX_TTL) : SYSTEM_MAX_TTL;
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
