package io.brine.master.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The URL a master advertises to the others while it is active ({@code redirect_addr}, OpenBao's
 * {@code api_addr}): standbys send operators there with a 307. Only scheme, host and port count;
 * the request's own path and query are put after them.
 */
public final class RedirectAddress {
  private RedirectAddress() {}

  /** Why {@code text} is no usable redirect address, or null when it is one. */
  public static String problem(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return "not a URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "expected an http:// or https:// URL";
    }
    if (uri.getRawAuthority() == null || uri.getHost() == null || uri.getHost().isEmpty()) {
      return "expected a host after " + scheme + "://";
    }
    if (uri.getRawUserInfo() != null) {
      return "a user name or password does not belong in it";
    }
    if (isWildcard(uri.getHost())) {
      return "names every interface (" + uri.getHost() + "): give the address others reach";
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return "expected scheme://host:port only, without a path or query";
    }
    return null;
  }

  /** True for an address that means every interface: 0.0.0.0, ::, or [::]. */
  public static boolean isWildcard(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
  }

  /** {@code scheme://authority} of a valid address followed by {@code target} (path and query). */
  public static String resolve(String address, String target) {
    URI uri = URI.create(address);
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + target;
  }
}
