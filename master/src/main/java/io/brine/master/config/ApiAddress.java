package io.brine.master.config;

/** {@code host:port} or {@code [v6-address]:port}, as OpenBao's listener address. */
record ApiAddress(String host, int port) {

  /** The address, or null when {@code text} is not host:port with a port in 0..65535. */
  static ApiAddress parse(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        return null;
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || text.indexOf(':') != colon) {
        return null; // no port, or an IPv6 address without brackets
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (host.isEmpty() || !host.chars().allMatch(ApiAddress::isHostChar)) {
      return null;
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    int p = Integer.parseInt(port);
    return p > 65535 ? null : new ApiAddress(host, p);
  }

  private static boolean isHostChar(int c) {
    return c < 128
        && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '%');
  }
}
