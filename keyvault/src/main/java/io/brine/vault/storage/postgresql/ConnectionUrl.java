package io.brine.vault.storage.postgresql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * OpenBao's {@code connection_url}, read into what the JDBC driver takes: a URL naming only the
 * hosts, ports and database, and {@link #driverProperties() properties} with the user, the password
 * and the TLS and timeout settings. Three spellings are accepted:
 *
 * <ul>
 *   <li>libpq's URI, as OpenBao's documentation writes it: {@code
 *       postgres://brine:secret@db.example:5432/brine?sslmode=verify-full&sslrootcert=/ca.pem}
 *       ({@code postgresql://} too; several {@code host:port} separated by commas; IPv6 in
 *       brackets, {@code [::1]:5432}; percent-encoding in every part);
 *   <li>libpq's keyword/value settings: {@code host=db.example port=5432 dbname=brine user=brine
 *       password='s3 cret' sslmode=require};
 *   <li>the driver's own {@code jdbc:postgresql://db.example:5432/brine?user=brine&password=...},
 *       with the driver's parameter names ({@code connectTimeout}, {@code ApplicationName}).
 * </ul>
 *
 * <p>libpq's parameters {@code sslmode}, {@code sslrootcert}, {@code sslcert}, {@code sslkey},
 * {@code connect_timeout}, {@code application_name}, {@code target_session_attrs} and {@code
 * options} are understood; any other parameter is refused by name, so that a setting the driver
 * would silently ignore (a TLS option misspelled) is not taken for one in force. A Unix-domain
 * socket host is refused: the driver speaks TCP only.
 *
 * <p>The password is a secret: {@link #toString()} shows {@code ***} in its place, and no error
 * repeats any part of the text but a parameter's name.
 */
public final class ConnectionUrl {
  public static final int DEFAULT_PORT = 5432;

  private static final List<String> SSL_MODES =
      List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  /** libpq's target_session_attrs, as the driver's targetServerType. */
  private static final Map<String, String> TARGET_SERVER_TYPES =
      orderedMap(
          "any", "any",
          "read-write", "primary",
          "primary", "primary",
          "read-only", "secondary",
          "standby", "secondary",
          "prefer-standby", "preferSecondary");

  /** The libpq parameters understood, with the driver's name for each. */
  private static final Map<String, String> LIBPQ_PARAMETERS =
      orderedMap(
          "sslmode", "sslmode",
          "sslrootcert", "sslrootcert",
          "sslcert", "sslcert",
          "sslkey", "sslkey",
          "connect_timeout", "connectTimeout",
          "application_name", "ApplicationName",
          "target_session_attrs", "targetServerType",
          "options", "options");

  /** The driver's parameters accepted in the jdbc: form, besides user and password. */
  private static final Set<String> JDBC_PARAMETERS =
      Set.of(
          "sslmode",
          "ssl",
          "sslrootcert",
          "sslcert",
          "sslkey",
          "connectTimeout",
          "socketTimeout",
          "loginTimeout",
          "tcpKeepAlive",
          "ApplicationName",
          "targetServerType",
          "currentSchema",
          "options",
          "loadBalanceHosts");

  private static final Set<String> WHOLE_SECONDS =
      Set.of("connectTimeout", "socketTimeout", "loginTimeout");

  private final List<String> hosts;
  private final List<Integer> ports;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> parameters;
  private final String shown;

  private ConnectionUrl(
      List<String> hosts,
      List<Integer> ports,
      String database,
      String user,
      String password,
      Map<String, String> parameters,
      String shown) {
    this.hosts = List.copyOf(hosts);
    this.ports = List.copyOf(ports);
    this.database = database;
    this.user = user;
    this.password = password;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.shown = shown;
  }

  /**
   * Reads a connection URL in any of the three forms.
   *
   * @throws IllegalArgumentException with a one-line message naming what is wrong, and never the
   *     password
   */
  public static ConnectionUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("connection_url is empty");
    }
    String trimmed = text.strip();
    if (trimmed.startsWith("jdbc:")) {
      return fromJdbc(trimmed);
    }
    if (LibpqSyntax.isUri(trimmed)) {
      return fromLibpq(LibpqSyntax.parseUri(trimmed));
    }
    if (trimmed.contains("://")) {
      throw new IllegalArgumentException(
          "connection_url: the scheme must be postgres://, postgresql:// or jdbc:postgresql://");
    }
    if (trimmed.indexOf('=') < 0) {
      throw new IllegalArgumentException(
          "connection_url is neither a postgres:// URL nor libpq's keyword=value settings");
    }
    return fromLibpq(LibpqSyntax.parseKeywords(trimmed));
  }

  private static ConnectionUrl fromLibpq(Map<String, String> keywords) {
    String hostList = "";
    String portList = "";
    String database = null;
    String user = null;
    String password = null;
    Map<String, String> parameters = new LinkedHashMap<>();
    Map<String, String> shownParameters = new LinkedHashMap<>();
    for (Map.Entry<String, String> keyword : keywords.entrySet()) {
      String name = keyword.getKey();
      String value = keyword.getValue();
      if (value.isEmpty()) {
        continue; // libpq: an empty value is the default
      }
      switch (name) {
        case "host" -> hostList = value;
        case "port" -> portList = value;
        case "dbname" -> database = value;
        case "user" -> user = value;
        case "password" -> password = value;
        default -> {
          String driverName = LIBPQ_PARAMETERS.get(name);
          if (driverName == null) {
            throw new IllegalArgumentException(
                "connection_url: unknown parameter "
                    + LibpqSyntax.quoteName(name)
                    + "; known: "
                    + String.join(", ", LIBPQ_PARAMETERS.keySet()));
          }
          parameters.put(driverName, libpqValue(name, value));
          shownParameters.put(name, value);
        }
      }
    }
    List<String> hosts = hosts(hostList);
    List<Integer> ports = ports(portList, hosts.size());
    // Both libpq forms are shown as the URI, the form OpenBao's documentation uses.
    String shown =
        render("postgres://", hosts, ports, database, user, password != null, shownParameters);
    return new ConnectionUrl(hosts, ports, database, user, password, parameters, shown);
  }

  private static String libpqValue(String name, String value) {
    switch (name) {
      case "sslmode":
        return sslMode(value);
      case "connect_timeout":
        return wholeSeconds(name, value);
      case "target_session_attrs":
        String type = TARGET_SERVER_TYPES.get(value);
        if (type == null) {
          throw new IllegalArgumentException(
              "connection_url: target_session_attrs must be one of "
                  + String.join(", ", TARGET_SERVER_TYPES.keySet()));
        }
        return type;
      default:
        return value;
    }
  }

  private static ConnectionUrl fromJdbc(String text) {
    Properties parsed = org.postgresql.Driver.parseURL(text, new Properties());
    if (parsed == null) {
      throw new IllegalArgumentException("connection_url is not a valid jdbc:postgresql:// URL");
    }
    String hostList = parsed.getProperty("PGHOST", "");
    if (hostList.indexOf('@') >= 0) {
      throw new IllegalArgumentException(
          "connection_url: a jdbc:postgresql:// URL takes the user and password as parameters"
              + " (?user=...&password=...), not before the host");
    }
    List<String> hosts = new ArrayList<>();
    for (String host : hostList.split(",", -1)) {
      hosts.add(
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
    }
    hosts = hosts(String.join(",", hosts));
    List<Integer> ports = ports(parsed.getProperty("PGPORT", ""), hosts.size());
    String database = emptyToNull(parsed.getProperty("PGDBNAME", ""));
    String user = null;
    String password = null;
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String name : parsed.stringPropertyNames().stream().sorted().toList()) {
      String value = parsed.getProperty(name);
      switch (name) {
        case "PGHOST", "PGPORT", "PGDBNAME" -> {}
        case "user" -> user = emptyToNull(value);
        case "password" -> password = emptyToNull(value);
        default -> {
          if (!JDBC_PARAMETERS.contains(name)) {
            throw new IllegalArgumentException(
                "connection_url: unknown parameter "
                    + LibpqSyntax.quoteName(name)
                    + "; known: user, password, "
                    + JDBC_PARAMETERS.stream().sorted().collect(Collectors.joining(", ")));
          }
          if (value.isEmpty()) {
            continue;
          }
          if (name.equals("sslmode")) {
            value = sslMode(value);
          } else if (WHOLE_SECONDS.contains(name)) {
            value = wholeSeconds(name, value);
          }
          parameters.put(name, value);
        }
      }
    }
    String shown = render("jdbc:postgresql://", hosts, ports, database, null, false, Map.of());
    Map<String, String> shownParameters = new LinkedHashMap<>();
    if (user != null) {
      shownParameters.put("user", user);
    }
    if (password != null) {
      shownParameters.put("password", ""); // shown as ***
    }
    shownParameters.putAll(parameters);
    shown += query(shownParameters);
    return new ConnectionUrl(hosts, ports, database, user, password, parameters, shown);
  }

  private static List<String> hosts(String hostList) {
    List<String> hosts = new ArrayList<>();
    for (String host : hostList.split(",", -1)) {
      if (host.isEmpty()) {
        host = "localhost"; // libpq's default is a Unix socket, which the driver cannot use
      }
      if (host.startsWith("/") || host.startsWith("@")) {
        throw new IllegalArgumentException(
            "connection_url: a Unix-domain socket host is not supported; give a TCP host name or"
                + " address");
      }
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        boolean allowed =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '-'
                || c == '_'
                || c == ':'
                || c == '%';
        if (!allowed) {
          throw new IllegalArgumentException(
              "connection_url: a host is not a valid host name or IP address");
        }
      }
      hosts.add(host);
    }
    return hosts;
  }

  private static List<Integer> ports(String portList, int hostCount) {
    String[] entries = portList.isEmpty() ? new String[] {""} : portList.split(",", -1);
    if (entries.length != 1 && entries.length != hostCount) {
      throw new IllegalArgumentException(
          "connection_url: "
              + hostCount
              + " hosts but "
              + entries.length
              + " ports; give one port for all or one for each host");
    }
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < hostCount; i++) {
      String entry = entries[entries.length == 1 ? 0 : i];
      if (entry.isEmpty()) {
        ports.add(DEFAULT_PORT);
        continue;
      }
      int port;
      try {
        port = Integer.parseInt(entry);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "connection_url: a port is not a number from 1 to 65535");
      }
      ports.add(port);
    }
    return ports;
  }

  private static String sslMode(String value) {
    if (!SSL_MODES.contains(value)) {
      throw new IllegalArgumentException(
          "connection_url: sslmode must be one of " + String.join(", ", SSL_MODES));
    }
    return value;
  }

  private static String wholeSeconds(String name, String value) {
    try {
      if (Integer.parseInt(value) >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(
        "connection_url: " + name + " must be a whole number of seconds (0: no limit)");
  }

  /** {@code jdbc:postgresql://host:port[,host:port]/database}: no user, no password. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + hostPorts() + "/" + (database == null ? "" : encode(database));
  }

  /**
   * What the driver takes beside {@link #jdbcUrl()}: {@code user}, {@code password} and the
   * parameters under the driver's names ({@code sslmode}, {@code connectTimeout}, ...). A fresh
   * copy each call; it holds the password, so it is never logged.
   */
  public Properties driverProperties() {
    Properties properties = new Properties();
    parameters.forEach(properties::setProperty);
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  /** The parameters alone, under the driver's names: no user, no password. */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** {@code db.example:5432}, or several separated by commas: for messages. */
  public String address() {
    return hostPorts();
  }

  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  public boolean hasPassword() {
    return password != null;
  }

  /** The password, for the one place that keeps it out of messages; null when none. */
  String password() {
    return password;
  }

  /** The URL with {@code ***} for the password. */
  @Override
  public String toString() {
    return shown;
  }

  private String hostPorts() {
    return hostPorts(hosts, ports);
  }

  private static String hostPorts(List<String> hosts, List<Integer> ports) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      parts.add((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + ports.get(i));
    }
    return String.join(",", parts);
  }

  private static String render(
      String scheme,
      List<String> hosts,
      List<Integer> ports,
      String database,
      String user,
      boolean hasPassword,
      Map<String, String> shownParameters) {
    StringBuilder sb = new StringBuilder(scheme);
    if (user != null || hasPassword) {
      sb.append(user == null ? "" : encode(user));
      if (hasPassword) {
        sb.append(":***");
      }
      sb.append('@');
    }
    sb.append(hostPorts(hosts, ports)).append('/');
    if (database != null) {
      sb.append(encode(database));
    }
    return sb.append(query(shownParameters)).toString();
  }

  private static String query(Map<String, String> parameters) {
    if (parameters.isEmpty()) {
      return "";
    }
    return parameters.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + "="
                    + (e.getKey().equals("password") ? "***" : encode(e.getValue(), "/:,")))
        .collect(Collectors.joining("&", "?", ""));
  }

  /**
   * Percent-encodes what would change the meaning of a URL part: everything but letters, digits,
   * "-._~" and, in a query value, "/:,". Spaces become %20 (never '+', which the driver's decoder
   * would read as a space).
   */
  private static String encode(String text) {
    return encode(text, "");
  }

  private static String encode(String text, String alsoKept) {
    StringBuilder sb = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0
          || (c < 0x80 && alsoKept.indexOf(c) >= 0)) {
        sb.append(c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static Map<String, String> orderedMap(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
