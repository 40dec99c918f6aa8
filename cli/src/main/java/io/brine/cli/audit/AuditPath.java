package io.brine.cli.audit;

import io.brine.cli.operator.PathSegments;

/**
 * An audit device's path from the command line and its API path. As bao, the path is shown with
 * a trailing slash ({@code file/}); the master decides which names are valid. This only keeps the
 * URL meaning what was typed: bytes outside {@code [A-Za-z0-9._-]} are percent-encoded, and "."
 * and "..", which a URL resolver would turn into another path, are refused.
 */
final class AuditPath {
  static final String API = "/v1/sys/audit/";

  private AuditPath() {}

  /** Trimmed, one trailing slash; null when nothing is left, or "." or "..". */
  static String normalize(String typed) {
    String name = typed.strip();
    while (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.isEmpty() || name.equals(".") || name.equals("..") ? null : name + "/";
  }

  /** {@code /v1/sys/audit/<encoded name>/} for a path from {@link #normalize}. */
  static String api(String path) {
    String name = path.substring(0, path.length() - 1);
    return API + PathSegments.encode(name) + "/";
  }
}
