package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.CliException;
import io.brine.cli.DebugLog;
import io.brine.cli.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The master's operator API over HTTP(S), OpenBao's paths and JSON. Every failure is a {@link
 * CliException} with one line a person can act on; the token travels in {@code X-Vault-Token} and
 * appears in no message and no log.
 */
public final class OperatorClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Long enough for a PKCS#11 unseal or the master's first key generation after unseal. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_CHARS = 300;

  private final String address;
  private final URI base;
  private final String token;
  private final HttpClient http;

  private OperatorClient(String address, URI base, String token, HttpClient http) {
    this.address = address;
    this.base = base;
    this.token = token;
    this.http = http;
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
      return new OperatorClient(address, base, bearer, Shared.CLIENT);
    }
    if (!"https".equals(base.getScheme())) {
      throw new CliException(
          "--tls-ca applies to an https address, and " + address + " is not one");
    }
    return new OperatorClient(address, base, bearer, builder().sslContext(trusting(caFile)).build());
  }

  private static HttpClient.Builder builder() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        // A standby master of a cluster answers 307 with the active master's address (OpenBao's
        // standbys do the same, and bao follows): the same request goes there, token and body
        // included; never from https to http.
        .followRedirects(HttpClient.Redirect.NORMAL);
  }

  /**
   * One client (one connection pool, one selector thread) for every call without a CA of its
   * own. A command makes a few calls, and a JVM that runs many commands (the tests, `brine dev`)
   * reuses its kept-alive connections instead of leaving one open per command until the master's
   * per-address connection cap refuses the next.
   */
  private static final class Shared {
    static final HttpClient CLIENT = builder().build();
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
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json");
    if (token != null) {
      request.header("X-Vault-Token", token);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofByteArray(toJson(body)));
    }
    int status;
    byte[] answer;
    try {
      HttpResponse<InputStream> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      status = response.statusCode();
      answer = boundedBody(response.body(), method, path);
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
    } catch (HttpTimeoutException e) {
      throw new CliException(
          method + " " + path + ": no answer within " + REQUEST_TIMEOUT.toMinutes() + " minutes",
          e);
    } catch (IOException e) {
      if (refused(e)) {
        throw new Unreachable(
            "cannot reach brine master at " + address + ": " + reason(e), address, e);
      }
      throw unreachable(reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(method + " " + path + ": interrupted", e);
    }
    DebugLog.debug(OperatorClient.class, "{} {} answered {}", method, path, status);
    return answer(method, path, status, answer);
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
