package io.brine.cli.policy;

import io.brine.cli.operator.PathSegments;
import java.util.Locale;

/**
 * A policy name from the command line, lower-cased as bao does (OpenBao stores names in lower
 * case), and its API path. The master decides which names are valid; this only keeps the URL
 * meaning what was typed: any byte outside {@code [A-Za-z0-9._-]} is percent-encoded, and "." and
 * "..", which a URL resolver would read as "this folder" and "the parent folder" and so turn
 * {@code brine policy delete ..} into a call on another path, are refused here.
 */
final class PolicyName {
  static final String API = "/v1/sys/policies/acl/";

  private PolicyName() {}

  /** Trimmed and lower-cased; null when nothing is left, or "." or "..". */
  static String normalize(String typed) {
    String name = typed.strip().toLowerCase(Locale.ROOT);
    return name.isEmpty() || name.equals(".") || name.equals("..") ? null : name;
  }

  static String path(String name) {
    return API + PathSegments.encode(name);
  }
}
