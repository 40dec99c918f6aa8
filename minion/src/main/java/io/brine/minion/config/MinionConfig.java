package io.brine.minion.config;

import io.brine.common.config.ConfigException;
import io.brine.common.config.RootDir;
import io.brine.common.config.YamlSection;
import io.brine.common.log.LogText;
import io.brine.crypto.CryptoProviders;
import io.brine.protocol.MinionId;
import io.brine.protocol.wire.Wire;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.GrainsDocument;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The minion's config file, with Salt's key names. Strict: an unknown key, a wrong type or a bad
 * value is a one-line {@link ConfigException} naming the file and the key. Relative paths are taken
 * from the file's folder. {@code minion.example.yaml} documents every key.
 *
 * @param masters the masters, in the order the file lists them (Salt's {@code master}: one entry, or
 *     a list); each entry's port is its own or {@code master_port}
 * @param masterPort Salt's {@code master_port}: the port of an entry that names none (the master's
 *     {@code ret_port})
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
 * @param failover how the minion picks among the masters and notices a dead one ({@code
 *     master_type}, {@code master_alive_interval}, {@code random_master}, {@code master_failback})
 * @param grains Salt's {@code grains:}: static custom grains, merged over the computed ones and
 *     the grains file's
 * @param grainsFile Salt's grains file, {@code grains} in the config file's folder (YAML, written
 *     by {@code grains.setval}); null when the settings come from no file
 */
public record MinionConfig(
    List<MasterAddress> masters,
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
    CryptoProviders.Choice cryptoProvider,
    FailoverConfig failover,
    Map<String, Object> grains,
    Path grainsFile) {
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
          "root_dir",
          "pki_dir",
          "keysize",
          "acceptance_wait_time",
          "acceptance_wait_time_max",
          "master_finger",
          "max_frame_bytes",
          "reconnect_wait_max",
          "cachedir",
          "publish_max_age",
          "master_type",
          "master_alive_interval",
          "random_master",
          "master_shuffle",
          "master_failback",
          "master_failback_interval",
          "grains");

  /** Salt's other {@code master_type} values: each names a mode brine does not have. */
  private static final Set<String> SALT_ONLY_MASTER_TYPES = Set.of("func", "disable", "distributed");

  public MinionConfig {
    masters = List.copyOf(masters);
    if (masters.isEmpty()) {
      throw new IllegalArgumentException("at least one master");
    }
    Objects.requireNonNull(failover, "failover");
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
    grains = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(grains, "grains")));
  }

  /** As the canonical constructor, with no custom grains and no grains file. */
  public MinionConfig(
      List<MasterAddress> masters,
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
      CryptoProviders.Choice cryptoProvider,
      FailoverConfig failover) {
    this(
        masters,
        masterPort,
        id,
        pkiDir,
        keysize,
        acceptanceWaitTime,
        acceptanceWaitTimeMax,
        masterFinger,
        maxFrameBytes,
        reconnectWaitMax,
        cachedir,
        publishMaxAge,
        cryptoProvider,
        failover,
        Map.of(),
        null);
  }

  /**
   * One master at {@code master}:{@code masterPort}, no failover: the settings a program makes
   * for itself (the load generator's simulated minions) rather than reads from a file.
   */
  public MinionConfig(
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
    this(
        List.of(new MasterAddress(master, masterPort)),
        masterPort,
        id,
        pkiDir,
        keysize,
        acceptanceWaitTime,
        acceptanceWaitTimeMax,
        masterFinger,
        maxFrameBytes,
        reconnectWaitMax,
        cachedir,
        publishMaxAge,
        cryptoProvider,
        FailoverConfig.NONE);
  }

  /** The first master's host: the master's, when the file names one. */
  /** The same settings under another id ({@code brine call --id}). */
  public MinionConfig withId(MinionId other) {
    return new MinionConfig(
        masters,
        masterPort,
        other,
        pkiDir,
        keysize,
        acceptanceWaitTime,
        acceptanceWaitTimeMax,
        masterFinger,
        maxFrameBytes,
        reconnectWaitMax,
        cachedir,
        publishMaxAge,
        cryptoProvider,
        failover,
        grains,
        grainsFile);
  }

  public String master() {
    return masters.get(0).host();
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
    int masterPort = (int) yaml.integer("master_port", DEFAULT_MASTER_PORT, 1, 65_535);
    List<MasterAddress> masters = masters(yaml, masterPort);
    MinionId id = id(yaml);
    RootDir root = RootDir.read(yaml);
    Path pkiDir = root.requiredPath(yaml, "pki_dir", "etc/salt/pki/minion");
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
    Path cachedir = root.path(yaml, "cachedir", "var/cache/salt/minion");
    long publishMaxAge =
        yaml.integer("publish_max_age", DEFAULT_PUBLISH_MAX_AGE_SECONDS, 1, DAY_SECONDS);
    return new MinionConfig(
        masters,
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
        cryptoProvider(yaml),
        failover(yaml, masters.size()),
        grains(yaml),
        grainsFile(file));
  }

  /** Salt's grains file: {@code grains} beside the config file. */
  private static Path grainsFile(Path configFile) {
    Path parent = configFile.toAbsolutePath().getParent();
    return (parent != null ? parent : configFile.toAbsolutePath()).resolve("grains");
  }

  /** {@code grains:}, a mapping of any YAML values, within the bounds grains travel under. */
  private static Map<String, Object> grains(YamlSection yaml) throws ConfigException {
    if (!yaml.has("grains")) {
      return Map.of();
    }
    if (!yaml.isMapping("grains")) {
      throw yaml.fail("grains", "expected a mapping of grain names to values");
    }
    Map<String, Object> grains = yaml.section("grains").values();
    try {
      GrainsDocument.encode(grains);
    } catch (ProtocolException e) {
      throw yaml.fail("grains", e.getMessage());
    }
    if (grains.containsKey("id")) {
      throw yaml.fail("grains.id", "the grain 'id' is the minion's id; set id instead");
    }
    return grains;
  }

  /** {@code master}: one entry or a list; each {@code host}, {@code host:port} or {@code [v6]:port}. */
  private static List<MasterAddress> masters(YamlSection yaml, int masterPort)
      throws ConfigException {
    List<String> entries = yaml.strings("master");
    if (entries.isEmpty()) {
      throw yaml.fail("master", "required key is missing");
    }
    List<MasterAddress> masters = new ArrayList<>();
    for (String entry : entries) {
      MasterAddress address;
      try {
        address = MasterAddress.parse(entry, masterPort);
      } catch (IllegalArgumentException e) {
        throw yaml.fail("master", "entry '" + LogText.escape(entry, 300) + "' " + e.getMessage());
      }
      if (masters.contains(address)) {
        throw yaml.fail("master", "entry '" + address + "' is listed twice");
      }
      masters.add(address);
    }
    return masters;
  }

  /** {@code master_type} and Salt's failover keys around it. */
  private static FailoverConfig failover(YamlSection yaml, int masterCount)
      throws ConfigException {
    String written = yaml.string("master_type", "str").toLowerCase(Locale.ROOT);
    if (SALT_ONLY_MASTER_TYPES.contains(written)) {
      throw yaml.fail(
          "master_type",
          "'"
              + written
              + "' is Salt's and not supported by brine; use str or failover (a list of masters"
              + " fails over either way)");
    }
    FailoverConfig.Type type =
        FailoverConfig.Type.valueOf(
            yaml.oneOf("master_type", "str", List.of("str", "failover")).toUpperCase(Locale.ROOT));
    // Salt turns the interval off with -1 as well as 0.
    long alive = Math.max(0, yaml.integer("master_alive_interval", 0, -1, DAY_SECONDS));
    boolean random = yaml.bool("random_master", false);
    if (yaml.has("master_shuffle")) {
      boolean shuffle = yaml.bool("master_shuffle", false);
      if (yaml.has("random_master") && shuffle != random) {
        throw yaml.fail(
            "master_shuffle", "is random_master's older name and says otherwise; keep one of them");
      }
      random = shuffle;
    }
    boolean failback = yaml.bool("master_failback", false);
    long failbackInterval = yaml.integer("master_failback_interval", 0, 0, DAY_SECONDS);
    if (failbackInterval == 0) {
      failbackInterval = alive; // as Salt
    }
    if (failback && masterCount > 1 && failbackInterval == 0) {
      throw yaml.fail(
          "master_failback",
          "needs master_failback_interval (or master_alive_interval): the seconds between two"
              + " tries of the first master");
    }
    return new FailoverConfig(
        type,
        Duration.ofSeconds(alive),
        random,
        failback && masterCount > 1,
        Duration.ofSeconds(failbackInterval));
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
