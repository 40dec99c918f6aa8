package io.brine.minion.config;

import io.brine.common.config.ConfigException;
import io.brine.common.config.YamlSection;
import io.brine.crypto.CryptoProviders;
import io.brine.protocol.MinionId;
import io.brine.protocol.wire.Wire;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The minion's config file, with Salt's key names. Strict: an unknown key, a wrong type or a bad
 * value is a one-line {@link ConfigException} naming the file and the key. Relative paths are taken
 * from the file's folder. {@code minion.example.yaml} documents every key.
 *
 * @param master the master's host name or address
 * @param masterPort the master's port (Salt's {@code master_port}, the master's {@code ret_port})
 * @param id this minion's id (default: the host name)
 * @param pkiDir Salt's {@code pki_dir}; the minion's files live in {@link #minionPkiDir()}
 * @param keysize bits of the minion's RSA key, used when the key is first made
 * @param acceptanceWaitTime the wait between two HELLOs while the key is pending
 * @param acceptanceWaitTimeMax the longest such wait ({@link Duration#ZERO}: no growth)
 * @param masterFinger Salt's colon-separated SHA-256 fingerprint of master.pub, or null
 * @param maxFrameBytes the largest frame either end sends or accepts
 * @param reconnectWaitMax the longest wait between two connection attempts
 * @param cachedir Salt's {@code cachedir}: the minion's state, its memory of the jobs it ran
 *     ({@code <cachedir>/executed_jids}); default: a {@code cache} folder beside {@code pki_dir}
 * @param publishMaxAge the oldest a publication may be and still run ({@code publish_max_age});
 *     the minion remembers the jids it ran at least this long
 * @param cryptoProvider who does the RSA and AES work ({@code crypto_provider}: auto, accp or jdk;
 *     default auto, ACCP where it loads)
 */
public record MinionConfig(
    String master,
    int masterPort,
    MinionId id,
    Path pkiDir,
    int keysize,
    Duration acceptanceWaitTime,
    Duration acceptanceWaitTimeMax,
    String masterFinger,
    int maxFrameBytes,
    Duration reconnectWaitMax,
    Path cachedir,
    Duration publishMaxAge,
    CryptoProviders.Choice cryptoProvider) {
  public static final int DEFAULT_MASTER_PORT = 4506;
  public static final int DEFAULT_KEYSIZE = 2048;
  public static final long DEFAULT_ACCEPTANCE_WAIT_SECONDS = 30;
  public static final long DEFAULT_RECONNECT_WAIT_MAX_SECONDS = 60;
  /** Five minutes, Kerberos's default clock skew: far longer than a publication takes to arrive. */
  public static final long DEFAULT_PUBLISH_MAX_AGE_SECONDS = 300;

  private static final long DAY_SECONDS = 86_400;
  /** A handshake body may be 64 KiB, plus the version and type bytes. */
  private static final int MIN_FRAME_BYTES = 64 * 1024 + 2;
  private static final int MAX_FRAME_BYTES = 256 * 1024 * 1024;
  private static final Pattern FINGER = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){31}");

  private static final Set<String> KEYS =
      Set.of(
          "master",
          "master_port",
          "crypto_provider",
          "id",
          "pki_dir",
          "keysize",
          "acceptance_wait_time",
          "acceptance_wait_time_max",
          "master_finger",
          "max_frame_bytes",
          "reconnect_wait_max",
          "cachedir",
          "publish_max_age");

  public MinionConfig {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pkiDir, "pkiDir");
    Objects.requireNonNull(acceptanceWaitTime, "acceptanceWaitTime");
    Objects.requireNonNull(acceptanceWaitTimeMax, "acceptanceWaitTimeMax");
    Objects.requireNonNull(reconnectWaitMax, "reconnectWaitMax");
    Objects.requireNonNull(cachedir, "cachedir");
    Objects.requireNonNull(publishMaxAge, "publishMaxAge");
    if (publishMaxAge.isNegative() || publishMaxAge.isZero()) {
      throw new IllegalArgumentException("publish_max_age must be positive");
    }
  }

  /** The cachedir used when the file names none: a {@code cache} folder beside pki_dir. */
  public static Path defaultCachedir(Path pkiDir) {
    Path parent = pkiDir.toAbsolutePath().getParent();
    return (parent != null ? parent : pkiDir.toAbsolutePath()).resolve("cache");
  }

  /** {@code <pki_dir>/minion}: minion.pem, minion.pub and the pinned minion_master.pub. */
  public Path minionPkiDir() {
    return pkiDir.resolve("minion");
  }

  /**
   * Reads and checks {@code file}.
   *
   * @throws ConfigException one line naming the file and the key
   */
  public static MinionConfig load(Path file) throws ConfigException {
    YamlSection yaml = YamlSection.readFile(file);
    yaml.requireOnly(KEYS);
    String master = yaml.requiredString("master");
    int masterPort = (int) yaml.integer("master_port", DEFAULT_MASTER_PORT, 1, 65_535);
    MinionId id = id(yaml);
    Path pkiDir = yaml.requiredPath("pki_dir");
    int keysize = (int) yaml.integer("keysize", DEFAULT_KEYSIZE, 2048, 16_384);
    long wait =
        yaml.integer("acceptance_wait_time", DEFAULT_ACCEPTANCE_WAIT_SECONDS, 1, DAY_SECONDS);
    long waitMax = yaml.integer("acceptance_wait_time_max", 0, 0, DAY_SECONDS);
    String finger = yaml.string("master_finger", null);
    if (finger != null && !FINGER.matcher(finger).matches()) {
      throw yaml.fail(
          "master_finger",
          "expected 32 colon-separated hex pairs, as brine key -F prints master.pub's");
    }
    int maxFrameBytes =
        (int)
            yaml.integer(
                "max_frame_bytes", Wire.DEFAULT_MAX_FRAME_BYTES, MIN_FRAME_BYTES, MAX_FRAME_BYTES);
    long reconnectMax =
        yaml.integer("reconnect_wait_max", DEFAULT_RECONNECT_WAIT_MAX_SECONDS, 1, DAY_SECONDS);
    Path cachedir = yaml.path("cachedir");
    long publishMaxAge =
        yaml.integer("publish_max_age", DEFAULT_PUBLISH_MAX_AGE_SECONDS, 1, DAY_SECONDS);
    return new MinionConfig(
        master,
        masterPort,
        id,
        pkiDir,
        keysize,
        Duration.ofSeconds(wait),
        Duration.ofSeconds(waitMax),
        finger,
        maxFrameBytes,
        Duration.ofSeconds(reconnectMax),
        cachedir != null ? cachedir : defaultCachedir(pkiDir),
        Duration.ofSeconds(publishMaxAge),
        cryptoProvider(yaml));
  }

  private static MinionId id(YamlSection yaml) throws ConfigException {
    String configured = yaml.string("id", null);
    if (configured != null) {
      try {
        return MinionId.of(configured);
      } catch (IllegalArgumentException e) {
        throw yaml.fail("id", e.getMessage());
      }
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw yaml.fail("id", "not set, and this host's name cannot be found; set it");
    }
    try {
      return MinionId.of(host);
    } catch (IllegalArgumentException e) {
      throw yaml.fail("id", "not set, and the host name is no valid id (" + e.getMessage() + ")");
    }
  }

  /** {@code crypto_provider}, refused here when it asks for ACCP where ACCP does not load. */
  private static CryptoProviders.Choice cryptoProvider(YamlSection yaml) throws ConfigException {
    CryptoProviders.Choice choice =
        CryptoProviders.Choice.parse(
            yaml.oneOf("crypto_provider", "auto", CryptoProviders.Choice.NAMES));
    String why = CryptoProviders.whyUnavailable(choice);
    if (why != null) {
      throw yaml.fail("crypto_provider", why);
    }
    return choice;
  }
}
