package io.brine.cli.kv;

import io.brine.cli.CliException;
import io.brine.cli.operator.PathSegments;
import java.util.ArrayList;
import java.util.List;

/**
 * A secret's path split as bao splits it: the mount the preflight named ({@code secret/}) and the
 * path inside it ({@code db/prod}), from which each command makes its API path by putting {@code
 * data}, {@code metadata}, {@code delete}, ... between the two ({@code addPrefixToKVPath}).
 *
 * <p>bao joins with Go's {@code path.Join}, which resolves {@code ..}: there, {@code kv get
 * secret/../sys/x} would read another path than the one typed. Here a {@code .} or {@code ..}
 * segment is refused before anything is sent, and every segment goes percent-encoded, so the URL
 * names exactly the path typed.
 */
final class KvPath {
  private final String mount;
  private final String secret;

  private KvPath(String mount, String secret) {
    this.mount = mount;
    this.secret = secret;
  }

  /**
   * bao's {@code sanitizePath}, one leading and one trailing slash off, and empty segments dropped
   * as {@code path.Join} drops them; a usage error for {@code .} and {@code ..}.
   */
  static String sanitize(String typed) {
    String path = typed.strip();
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new CliException(
            "a path with a '" + segment + "' segment is not sent (it would name another path): "
                + path);
      }
      if (!segment.isEmpty()) {
        segments.add(segment);
      }
    }
    return String.join("/", segments);
  }

  /**
   * The path {@code full} (mount included, e.g. {@code secret/db/prod}) inside {@code mount}
   * ({@code secret/}, as the preflight names it).
   */
  static KvPath inside(String mount, String full) {
    String bare = mount.substring(0, mount.length() - 1);
    if (full.equals(bare)) {
      return new KvPath(mount, "");
    }
    if (!full.startsWith(mount)) {
      throw new KvServerError("the master named the mount " + mount + " for " + full);
    }
    return new KvPath(mount, full.substring(mount.length()));
  }

  /** The path inside the mount, "" for the mount itself. */
  String secret() {
    return secret;
  }

  /** The URL path: {@code /v1/secret/data/db/prod}, each segment percent-encoded. */
  String api(String prefix) {
    return "/v1/" + encode(join(prefix));
  }

  /** The path as bao prints it: {@code secret/data/db/prod}. */
  String shown(String prefix) {
    return join(prefix);
  }

  private String join(String prefix) {
    return mount + prefix + (secret.isEmpty() ? "" : "/" + secret);
  }

  /** Each segment of {@code path} percent-encoded, the slashes kept. */
  static String encode(String path) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      segments.add(PathSegments.encode(segment));
    }
    return String.join("/", segments);
  }
}
