package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.CliException;
import io.brine.cli.DebugLog;
import io.brine.cli.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The master's operator API over HTTP(S), OpenBao's paths and JSON. Every failure is a {@link
 * CliException} with one line a person can act on; the token travels in {@code X-Vault-Token} and
 * appears in no message and no log.
 *
 * <p>HTTP/1.1 through {@link HttpURLConnection}, not {@code java.net.http}: a command makes one to
 * three calls, and the newer client's start (its selector thread, a TLS context even for http,
 * about 1,300 classes) was most of a short command's run time, ten times this one's (measured:
 * one GET in a fresh JVM, 875 ms against 87 ms). Kept-alive connections are the JDK's cache, so
 * a JVM that runs many commands (the tests, {@code brine dev}) reuses them.
 */
public final class OperatorClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Long enough for a PKCS#11 unseal or the master's first key generation after unseal. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_CHARS = 300;

  /** A standby's 307 to the active master is one hop; more is a loop or not a brine master. */
  private static final int MAX_REDIRECTS = 5;

  private final String address;
  private final URI base;
  private final String token;
  /** The sockets of an https address given its own CA, or null for the JDK's defaults. */
  private final SSLSocketFactory tls;

  private OperatorClient(String address, URI base, String token, SSLSocketFactory tls) {
    this.address = address;
    this.base = base;
    this.token = token;
    this.tls = tls;
  }

  /**
   * @param address http(s)://host:port of the master's operator API
   * @param token the token for privileged calls, or null
   * @param caFile PEM certificates to trust for an https address instead of the JDK's CAs, or null
   */
  public static OperatorClient connect(String address, String token, Path caFile) {
    URI base = parseAddress(address);
    String bearer = blankToNull(token);
    if (bearer != null && !bearer.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new CliException(
          "the token holds characters no brine token has (spaces or line breaks?)");
    }
    if (caFile == null) {
      return new OperatorClient(address, base, bearer, null);
    }
    if (!"https".equals(base.getScheme())) {
      throw new CliException(
          "--tls-ca applies to an https address, and " + address + " is not one");
    }
    return new OperatorClient(address, base, bearer, trusting(caFile).getSocketFactory());
  }

  /** The address every command uses when neither --address nor an *_ADDR variable is given. */
  public static final String DEFAULT_ADDRESS = "http://127.0.0.1:8200";

  /**
   * Connects as every command does: each of address, token and CA from its option when given,
   * else from BRINE_ADDR, BRINE_TOKEN and (for https) BRINE_CACERT, each else from OpenBao's BAO_*
   * and then Vault's VAULT_* name ({@link Environment#apiAddress()}).
   */
  public static OperatorClient fromOptions(
      Environment environment, String address, String token, Path tlsCa) {
    String fromEnvironmentUrl = environment.apiAddress();
    String url =
        address != null
            ? address
            : fromEnvironmentUrl != null ? fromEnvironmentUrl : DEFAULT_ADDRESS;
    String bearer = token != null ? token : environment.apiToken();
    Path ca = tlsCa;
    if (ca == null && url.startsWith("https:")) {
      String fromEnvironment = environment.apiCaCert();
      ca = fromEnvironment == null ? null : Path.of(fromEnvironment);
    }
    return connect(url, bearer, ca);
  }

  public JsonNode get(String path) {
    return send("GET", path, null);
  }

  /**
   * POST with a JSON body, for the calls {@code bao} makes with POST (token create and lookup,
   * capabilities); {@code body} null sends an empty object. Null when answered 204.
   */
  public JsonNode post(String path, Map<String, ?> body) {
    return send("POST", path, body == null ? Map.of() : body);
  }

  /** PUT with a JSON body; {@code body} null sends an empty object. Null when answered 204. */
  public JsonNode put(String path, Map<String, ?> body) {
    return send("PUT", path, body == null ? Map.of() : body);
  }

  /**
   * PUT with raw bytes ({@code application/octet-stream}) as the body, for {@code brine cp}'s
   * upload chunks; {@code path} may carry a query. Null when answered 204.
   */
  public JsonNode putBytes(String path, byte[] body) {
    Answer answer = exchange("PUT", path, body, OCTET_STREAM);
    DebugLog.debug(OperatorClient.class, "PUT {} answered {}", path, answer.status());
    return answer("PUT", path, answer.status(), answer.body());
  }

  private static final String JSON_TYPE = "application/json";
  private static final String OCTET_STREAM = "application/octet-stream";

  public JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /**
   * The API's answers are JSON objects; the largest are jobs with many minions' returns. A peer
   * that sends more is not answering as a brine master does.
   */
  private static final int MAX_ANSWER_BYTES = 64 << 20;

  /** Reads at most {@link #MAX_ANSWER_BYTES} of the answer. */
  private static byte[] boundedBody(InputStream body, String method, String path)
      throws IOException {
    try (InputStream in = body) {
      byte[] answer = in.readNBytes(MAX_ANSWER_BYTES + 1);
      if (answer.length > MAX_ANSWER_BYTES) {
        throw new CliException(
            method + " " + path + ": the answer is larger than " + MAX_ANSWER_BYTES
                + " bytes; is this a brine master?");
      }
      return answer;
    }
  }

  private JsonNode send(String method, String path, Map<String, ?> body) {
    byte[] json = body == null ? null : toJson(body);
    Answer answer = exchange(method, path, json, JSON_TYPE);
    DebugLog.debug(OperatorClient.class, "{} {} answered {}", method, path, answer.status());
    return answer(method, path, answer.status(), answer.body());
  }

  private record Answer(int status, byte[] body) {}

  /**
   * One request, and the redirects a standby answers with: a standby master of a cluster answers
   * 307 with the active master's address (OpenBao's standbys do the same, and bao follows), so the
   * same request goes there, token and body included; 303 turns it into a GET, as browsers and
   * the JDK's clients do; never from https to http.
   */
  private Answer exchange(String method, String shown, byte[] body, String contentType) {
    URI uri = base.resolve(shown);
    for (int hop = 0; ; hop++) {
      Hop answer = once(method, uri, body, contentType, shown);
      String location = answer.location();
      if (location == null) {
        return new Answer(answer.status(), answer.body());
      }
      if (hop == MAX_REDIRECTS) {
        throw new CliException(
            method + " " + shown + ": redirected more than " + MAX_REDIRECTS + " times");
      }
      URI next;
      try {
        next = uri.resolve(new URI(location));
      } catch (URISyntaxException e) {
        throw new CliException(method + " " + shown + ": redirected to an invalid address", e);
      }
      boolean web = "http".equals(next.getScheme()) || "https".equals(next.getScheme());
      if (!web || ("https".equals(uri.getScheme()) && !"https".equals(next.getScheme()))) {
        throw new CliException(
            method + " " + shown + ": redirected to " + next.getScheme() + ", not followed");
      }
      if (answer.status() == HttpURLConnection.HTTP_SEE_OTHER) {
        method = "GET";
        body = null;
      }
      uri = next;
    }
  }

  /** An answer, with {@code location} set when it is a redirect to follow. */
  private record Hop(int status, byte[] body, String location) {}

  private Hop once(String method, URI uri, byte[] body, String contentType, String shown) {
    HttpURLConnection connection;
    try {
      connection = (HttpURLConnection) uri.toURL().openConnection();
    } catch (IOException | IllegalArgumentException e) {
      throw unreachable(e instanceof IOException io ? reason(io) : e.getMessage(), e);
    }
    if (tls != null && connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(tls);
    }
    try {
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
      connection.setRequestMethod(method);
      connection.setRequestProperty("Accept", "application/json");
      if (token != null) {
        connection.setRequestProperty("X-Vault-Token", token);
      }
      if (body != null) {
        connection.setRequestProperty("Content-Type", contentType);
        connection.setDoOutput(true);
        // Fixed length: the JDK never sends a streamed body twice, so a publish is not repeated
        // behind the caller's back when a kept-alive connection turns out closed.
        connection.setFixedLengthStreamingMode(body.length);
      }
      try {
        connection.connect();
      } catch (SocketTimeoutException e) {
        throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
      }
      if (body != null) {
        try (OutputStream out = connection.getOutputStream()) {
          out.write(body);
        }
      }
      int status = connection.getResponseCode();
      InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      byte[] answer = in == null ? new byte[0] : boundedBody(in, method, shown);
      String location = connection.getHeaderField("Location");
      boolean redirect =
          location != null
              && (status == 301 || status == 302 || status == 303 || status == 307
                  || status == 308);
      return new Hop(status, answer, redirect ? location : null);
    } catch (SocketTimeoutException e) {
      throw new CliException(
          method + " " + shown + ": no answer within " + REQUEST_TIMEOUT.toMinutes() + " minutes",
          e);
    } catch (IOException e) {
      if (refused(e)) {
        throw new Unreachable(
            "cannot reach brine master at " + address + ": " + reason(e), address, e);
      }
      throw unreachable(reason(e), e);
    }
  }

  private static JsonNode answer(String method, String path, int status, byte[] body) {
    if (status >= 200 && status < 300) {
      if (status == 204 || body.length == 0) {
        return null;
      }
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new CliException(method + " " + path + ": the answer is not JSON", e);
      }
    }
    throw failure(method, path, status, body);
  }

  /** "PUT /v1/sys/seal: 403 permission denied", from OpenBao's {"errors": ["..."]}. */
  private static CliException failure(String method, String path, int status, byte[] body) {
    String message;
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      message = errors.isArray() && !errors.isEmpty() ? errors.get(0).asText() : null;
    } catch (IOException e) {
      message = null;
    }
    if (message == null) {
      message = new String(body, StandardCharsets.UTF_8).strip();
    }
    message = message.replaceAll("\\s+", " ");
    if (message.length() > MAX_ERROR_CHARS) {
      message = message.substring(0, MAX_ERROR_CHARS) + "...";
    }
    return new ApiError(method, path, status, message);
  }

  /** The master answered with an error status; the message is "PUT /path: 400 reason". */
  public static final class ApiError extends CliException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;

    ApiError(String method, String path, int status, String reason) {
      super(method + " " + path + ": " + status + (reason.isEmpty() ? "" : " " + reason));
      this.status = status;
      this.reason = reason;
    }

    public int status() {
      return status;
    }

    /** The API's first error message, one line. */
    public String reason() {
      return reason;
    }
  }

  /**
   * Nothing listens at the address (the connection was refused): the master is down, which {@code
   * brine key} answers by working on the PKI folder itself.
   */
  public static final class Unreachable extends CliException {
    private static final long serialVersionUID = 1L;

    private final String address;

    Unreachable(String message, String address, Throwable cause) {
      super(message, cause);
      this.address = address;
    }

    /** The address as given, e.g. {@code http://127.0.0.1:8200}. */
    public String address() {
      return address;
    }
  }

  private static boolean refused(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private CliException unreachable(String reason, Exception cause) {
    return new CliException("cannot reach brine master at " + address + ": " + reason, cause);
  }

  /** The JDK often wraps the useful words ("Connection refused") one or two causes deep. */
  private static String reason(IOException e) {
    if (e instanceof SSLHandshakeException || e.getCause() instanceof SSLHandshakeException) {
      return "TLS handshake failed: "
          + innermostMessage(e)
          + " (give the CA that signed the master's certificate with --tls-ca)";
    }
    String message = innermostMessage(e);
    if (message != null) {
      return message;
    }
    return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
  }

  private static String innermostMessage(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage().strip();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return message == null ? null : message.replaceAll("\\s+", " ");
  }

  private static URI parseAddress(String address) {
    URI uri;
    try {
      uri = new URI(address);
    } catch (URISyntaxException e) {
      throw notAnAddress(address, e);
    }
    boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
    String path = uri.getRawPath();
    if (!web
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || !(path == null || path.isEmpty() || path.equals("/"))) {
      throw notAnAddress(address, null);
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }

  private static CliException notAnAddress(String address, Exception cause) {
    return new CliException(
        "the address "
            + address
            + " is not of the form http(s)://host:port (e.g. http://127.0.0.1:8200)",
        cause);
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new CliException("no certificate in " + caFile);
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read the CA file " + caFile + ": no such file", e);
    } catch (CertificateException e) {
      throw new CliException("cannot read the CA file " + caFile + ": not PEM certificates", e);
    } catch (IOException | GeneralSecurityException e) {
      throw new CliException("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
    }
  }

  private static byte[] toJson(Map<String, ?> body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("a request body did not serialize", e);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
