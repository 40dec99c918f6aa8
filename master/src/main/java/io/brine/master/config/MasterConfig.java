package io.brine.master.config;

import io.brine.common.config.ConfigException;
import io.brine.common.config.RootDir;
import io.brine.common.config.YamlSection;
import io.brine.crypto.CryptoProviders;
import io.brine.master.jobs.Nodegroups;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.audit.AuditConfig;
import io.brine.master.pillar.MergeStrategy;
import io.brine.master.pillar.PillarConfig;
import io.brine.master.pillar.SecretPolicies;
import io.brine.vault.policy.PolicyParser;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.token.Durations;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.seal.SealConfiguration;
import io.brine.vault.storage.postgresql.ConnectionUrl;
import io.brine.vault.storage.postgresql.PostgresqlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The master's config file, YAML, with Salt's key names where Salt has one ({@code pki_dir}, {@code
 * keysize}) and OpenBao's for the vault block. {@code
 * src/main/resources/io/brine/master/master.example.yaml} documents every key.
 *
 * <p>Loading is strict: an unknown key, a missing required key or a bad value is a {@link
 * ConfigException} naming the file and the key, so a typo never silently falls back to a default.
 * Relative paths are taken from the config file's folder.
 *
 * @param file the file this was loaded from (null when built in code)
 * @param pkiDir Salt's PKI folder; the master's public key goes to {@code master/master.pub} in it
 * @param keysize bits of the master's RSA key, generated in the vault at first unseal
 * @param vault the vault block
 * @param autoAccept Salt's {@code auto_accept}: every new minion key is accepted without an
 *     operator
 * @param autosignFile Salt's {@code autosign_file}: ids (exact or glob, one a line) accepted at
 *     once, or null
 * @param autorejectFile Salt's {@code autoreject_file}: ids rejected at once (checked first), or
 *     null
 * @param minions where and how the master listens for minions, and how often the publish key
 *     rotates
 * @param jobs the job cache and the file server's roots
 * @param cryptoProvider who does the RSA and AES work ({@code crypto_provider}: auto, accp or jdk;
 *     default auto, ACCP where it loads)
 * @param masterKeyGrace after a rotation of the master's own RSA key, how long the previous key
 *     still answers minions pinned to it ({@code master_key_grace}, default 168h); then it is
 *     destroyed
 * @param nodegroups Salt's {@code nodegroups}: named compound targets for {@code brine run -N}
 * @param pillar Salt's {@code pillar_roots}, {@code pillar_source_merging_strategy} and {@code
 *     pillar_merge_lists}, and brine's {@code pillar_secret_policies}
 */
public record MasterConfig(
    Path file,
    Path pkiDir,
    int keysize,
    VaultConfig vault,
    boolean autoAccept,
    Path autosignFile,
    Path autorejectFile,
    Minions minions,
    Jobs jobs,
    CryptoProviders.Choice cryptoProvider,
    Duration masterKeyGrace,
    Nodegroups nodegroups,
    PillarConfig pillar) {
  public static final int DEFAULT_KEYSIZE = RsaKeys.DEFAULT_MASTER_BITS;

  /** A week, as the issue asks: long enough for a minion that is off over a weekend. */
  public static final Duration DEFAULT_MASTER_KEY_GRACE = Duration.ofDays(7);

  /** Durations as OpenBao writes them ("168h", "90m", "2s") or a number of seconds. */
  static final Duration MAX_MASTER_KEY_GRACE = Duration.ofDays(3650);

  /** OpenBao's default {@code max_request_size} is 32 MiB; nothing here needs more. */
  static final int MAX_REQUEST_BYTES_LIMIT = 32 * 1024 * 1024;

  static final int MIN_REQUEST_BYTES = 1024;

  private static final Set<String> TOP_KEYS =
      Set.of(
          "root_dir",
          "pki_dir",
          "keysize",
          "crypto_provider",
          "master_key_grace",
          "vault",
          "auto_accept",
          "autosign_file",
          "autoreject_file",
          "interface",
          "ret_port",
          "publish_session",
          "reauth_window",
          "max_frame_bytes",
          "handshake_threads",
          "max_pending_handshakes",
          "max_handshakes_per_address",
          "hello_timeout",
          "refused_idle_timeout",
          "confirm_timeout",
          "partial_frame_timeout",
          "max_connections",
          "max_unauthenticated_per_address",
          "max_pending_keys",
          "max_new_keys_per_address",
          "cachedir",
          "keep_jobs",
          "max_jobs",
          "file_roots",
          "nodegroups",
          "pillar_roots",
          "pillar_source_merging_strategy",
          "pillar_merge_lists",
          "pillar_secret_policies");
  private static final Set<String> VAULT_KEYS =
      Set.of(
          "storage",
          "storage_dir",
          "redirect_addr",
          "api_addr",
          "tls_cert_file",
          "tls_key_file",
          "max_request_bytes",
          "http_read_header_timeout",
          "http_read_timeout",
          "http_idle_timeout",
          "api_max_connections",
          "api_max_connections_per_address",
          "seal",
          "audit",
          "unsafe_allow_api_audit_creation",
          "allow_audit_log_prefixing",
          "audit_checkpoint_entries",
          "audit_checkpoint_interval");
  /** OpenBao's keys of its postgresql storage stanza, as brine reads them. */
  private static final Set<String> POSTGRESQL_KEYS =
      Set.of(
          "type",
          "connection_url",
          "table",
          "ha_enabled",
          "ha_table",
          "max_parallel",
          "max_idle_connections",
          "max_connect_retries",
          "skip_create_table");

  /** Where {@code connection_url} is read when the config has none, brine's name first. */
  static final List<String> CONNECTION_URL_VARIABLES =
      List.of("BRINE_PG_CONNECTION_URL", "BAO_PG_CONNECTION_URL");

  private static final Set<String> AUDIT_DEVICE_KEYS =
      Set.of("type", "path", "description", "options");
  private static final Set<String> SEAL_KEYS =
      Set.of("type", "lib", "slot", "token_label", "pin_env", "pin_file", "key_label", "disabled");

  public MasterConfig {
    Objects.requireNonNull(pkiDir, "pkiDir");
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(minions, "minions");
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(cryptoProvider, "cryptoProvider");
    Objects.requireNonNull(masterKeyGrace, "masterKeyGrace");
    Objects.requireNonNull(pillar, "pillar");
    if (masterKeyGrace.isNegative() || masterKeyGrace.compareTo(MAX_MASTER_KEY_GRACE) > 0) {
      throw new IllegalArgumentException("master_key_grace must be 0 to 3650 days");
    }
  }

  /**
   * Salt's {@code cachedir}, {@code keep_jobs} and {@code file_roots}.
   *
   * @param cachedir where the job cache lives ({@code <cachedir>/jobs}); default: a {@code cache}
   *     folder beside {@code pki_dir}
   * @param keepJobs how long a job and its returns are kept ({@code keep_jobs}, hours as in Salt;
   *     default 24)
   * @param maxJobs the most jobs kept; the oldest go first ({@code max_jobs}, default 10,000)
   * @param fileRoots the file server's roots, searched in order ({@code file_roots}, Salt's {@code
   *     base:} list, or a plain list); empty: the master serves no files
   */
  public record Jobs(Path cachedir, Duration keepJobs, int maxJobs, List<Path> fileRoots) {
    public static final long DEFAULT_KEEP_JOBS_HOURS = 24;
    public static final int DEFAULT_MAX_JOBS = 10_000;

    public Jobs {
      Objects.requireNonNull(cachedir, "cachedir");
      Objects.requireNonNull(keepJobs, "keepJobs");
      fileRoots = List.copyOf(fileRoots);
      if (keepJobs.compareTo(Duration.ofHours(1)) < 0 || maxJobs < 1) {
        throw new IllegalArgumentException("keep_jobs >= 1 hour, max_jobs >= 1");
      }
    }

    /** Where the job cache keeps its files. */
    public Path jobsDir() {
      return cachedir.resolve("jobs");
    }

    /** Where a single master keeps each minion's grains, one small file per minion. */
    public Path grainsDir() {
      return cachedir.resolve("grains");
    }
  }

  /**
   * The minion side of the master: Salt's {@code interface}, {@code ret_port} and {@code
   * publish_session}, and brine's own limits on the handshake work.
   *
   * @param interfaceHost the address the minion listener binds ({@code interface})
   * @param retPort its port ({@code ret_port}); 0 picks any free port (tests)
   * @param publishSession the longest a publish key lives ({@code publish_session})
   * @param reauthWindow after a rotation, connected minions are asked to re-authenticate at a
   *     random moment within this window ({@code reauth_window}), so they do not all arrive at once
   * @param maxFrameBytes the largest frame accepted from a minion ({@code max_frame_bytes})
   * @param handshakeThreads threads doing the handshakes' RSA work, off the event loop
   * @param maxPendingHandshakes HELLOs queued or in work at once; a HELLO beyond this closes its
   *     connection (the minion retries later) instead of growing a queue without bound
   * @param admission the limits on connections that are not authenticated yet
   */
  public record Minions(
      String interfaceHost,
      int retPort,
      Duration publishSession,
      Duration reauthWindow,
      int maxFrameBytes,
      int handshakeThreads,
      int maxPendingHandshakes,
      Admission admission) {
    public static final String DEFAULT_INTERFACE = "0.0.0.0";
    public static final int DEFAULT_RET_PORT = 4506;
    public static final long DEFAULT_PUBLISH_SESSION_SECONDS = 86400;
    public static final long DEFAULT_REAUTH_WINDOW_SECONDS = 60;
    public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 1024;

    /** A HELLO body may be 64 KiB, plus the 2-byte frame header. */
    static final int MIN_FRAME_BYTES = 64 * 1024 + 2;

    static final int MAX_FRAME_BYTES_LIMIT = 64 * 1024 * 1024;

    public Minions {
      Objects.requireNonNull(interfaceHost, "interfaceHost");
      Objects.requireNonNull(publishSession, "publishSession");
      Objects.requireNonNull(reauthWindow, "reauthWindow");
      Objects.requireNonNull(admission, "admission");
      if (retPort < 0 || retPort > 65535) {
        throw new IllegalArgumentException("ret_port must be in 0..65535");
      }
      if (publishSession.compareTo(Duration.ofSeconds(1)) < 0 || reauthWindow.isNegative()) {
        throw new IllegalArgumentException("publish_session >= 1 s, reauth_window >= 0");
      }
      if (handshakeThreads < 1 || maxPendingHandshakes < 1) {
        throw new IllegalArgumentException("handshake_threads and max_pending_handshakes >= 1");
      }
    }

    /** The defaults, on {@code interfaceHost:retPort}. */
    public static Minions defaults(String interfaceHost, int retPort) {
      return new Minions(
          interfaceHost,
          retPort,
          Duration.ofSeconds(DEFAULT_PUBLISH_SESSION_SECONDS),
          Duration.ofSeconds(DEFAULT_REAUTH_WINDOW_SECONDS),
          DEFAULT_MAX_FRAME_BYTES,
          defaultHandshakeThreads(),
          DEFAULT_MAX_PENDING_HANDSHAKES,
          Admission.DEFAULTS);
    }

    /** One handshake thread per CPU: the RSA work is CPU-bound. */
    public static int defaultHandshakeThreads() {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /**
   * What a connection may do before it is authenticated. Without these, a peer that connects and
   * never speaks, or one address that floods HELLOs, would hold sockets and handshake slots that
   * real minions need.
   *
   * @param helloTimeout a new connection that has not sent a HELLO in this time is closed ({@code
   *     hello_timeout})
   * @param refusedIdleTimeout a connection answered PENDING, SEALED, REJECTED or DENIED that sends
   *     no new HELLO in this time is closed ({@code refused_idle_timeout}); a minion waiting longer
   *     than this between HELLOs simply reconnects when its wait ends
   * @param maxHandshakesPerAddress HELLOs from one IP address queued or in work at once ({@code
   *     max_handshakes_per_address}); one more closes its connection, so a single host cannot take
   *     every one of {@code max_pending_handshakes}. Many minions behind one NAT address may need
   *     more; a loopback load test needs as many as it runs. Re-authentications of connected
   *     minions do not count against it
   * @param confirmTimeout a connection answered WELCOME must send its CONFIRM within this time
   *     ({@code confirm_timeout}), or it is closed; until then it is nobody
   * @param partialFrameTimeout before authentication, a frame must arrive whole within this time of
   *     its first byte ({@code partial_frame_timeout}); frames are also capped at 64 KiB until then
   * @param maxConnections minion connections held at once ({@code max_connections}); 0, the
   *     default, is what {@code ulimit -n} allows less a reserve for the API and files, and a value
   *     above that is lowered to it at start
   * @param maxUnauthenticatedPerAddress connections from one IP address that have not proved a
   *     minion key yet ({@code max_unauthenticated_per_address})
   * @param maxPendingKeys keys waiting in {@code minions_pre} at most ({@code max_pending_keys});
   *     a new id beyond it is answered PENDING but not written, until an operator decides
   * @param newKeysPerAddressPerMinute new ids one IP address may have written to the key folders
   *     per minute ({@code max_new_keys_per_address}, a bucket that holds as many)
   */
  public record Admission(
      Duration helloTimeout,
      Duration refusedIdleTimeout,
      int maxHandshakesPerAddress,
      Duration confirmTimeout,
      Duration partialFrameTimeout,
      int maxConnections,
      int maxUnauthenticatedPerAddress,
      int maxPendingKeys,
      int newKeysPerAddressPerMinute) {
    public static final long DEFAULT_HELLO_TIMEOUT_SECONDS = 10;
    public static final long DEFAULT_REFUSED_IDLE_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_MAX_HANDSHAKES_PER_ADDRESS = 64;
    public static final long DEFAULT_CONFIRM_TIMEOUT_SECONDS = 10;
    public static final long DEFAULT_PARTIAL_FRAME_TIMEOUT_SECONDS = 10;
    /** 0: as many as {@code ulimit -n} allows, less the descriptors kept for the API and files. */
    public static final int DEFAULT_MAX_CONNECTIONS = 0;
    public static final int DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS = 256;
    public static final int DEFAULT_MAX_PENDING_KEYS = 10_000;
    public static final int DEFAULT_NEW_KEYS_PER_ADDRESS_PER_MINUTE = 120;

    public static final Admission DEFAULTS =
        new Admission(
            Duration.ofSeconds(DEFAULT_HELLO_TIMEOUT_SECONDS),
            Duration.ofSeconds(DEFAULT_REFUSED_IDLE_TIMEOUT_SECONDS),
            DEFAULT_MAX_HANDSHAKES_PER_ADDRESS);

    /** The first three limits as given, the others at their defaults. */
    public Admission(
        Duration helloTimeout, Duration refusedIdleTimeout, int maxHandshakesPerAddress) {
      this(
          helloTimeout,
          refusedIdleTimeout,
          maxHandshakesPerAddress,
          Duration.ofSeconds(DEFAULT_CONFIRM_TIMEOUT_SECONDS),
          Duration.ofSeconds(DEFAULT_PARTIAL_FRAME_TIMEOUT_SECONDS),
          DEFAULT_MAX_CONNECTIONS,
          DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS,
          DEFAULT_MAX_PENDING_KEYS,
          DEFAULT_NEW_KEYS_PER_ADDRESS_PER_MINUTE);
    }

    public Admission {
      Objects.requireNonNull(helloTimeout, "helloTimeout");
      Objects.requireNonNull(refusedIdleTimeout, "refusedIdleTimeout");
      Objects.requireNonNull(confirmTimeout, "confirmTimeout");
      Objects.requireNonNull(partialFrameTimeout, "partialFrameTimeout");
      if (!positive(helloTimeout)
          || !positive(refusedIdleTimeout)
          || !positive(confirmTimeout)
          || !positive(partialFrameTimeout)
          || maxHandshakesPerAddress < 1
          || maxConnections < 0
          || maxUnauthenticatedPerAddress < 1
          || maxPendingKeys < 1
          || newKeysPerAddressPerMinute < 1) {
        throw new IllegalArgumentException("every admission limit must be >= 1");
      }
    }

    private static boolean positive(Duration d) {
      return !d.isNegative() && !d.isZero();
    }

    public Admission withConfirmTimeout(Duration timeout) {
      return with(c -> c.confirmTimeout = timeout);
    }

    public Admission withPartialFrameTimeout(Duration timeout) {
      return with(c -> c.partialFrameTimeout = timeout);
    }

    public Admission withConnectionCaps(int total, int unauthenticatedPerAddress) {
      return with(
          c -> {
            c.maxConnections = total;
            c.maxUnauthenticatedPerAddress = unauthenticatedPerAddress;
          });
    }

    public Admission withNewKeyLimits(int pendingKeys, int perAddressPerMinute) {
      return with(
          c -> {
            c.maxPendingKeys = pendingKeys;
            c.newKeysPerAddressPerMinute = perAddressPerMinute;
          });
    }

    private Admission with(java.util.function.Consumer<Change> change) {
      Change c = new Change(this);
      change.accept(c);
      return new Admission(
          c.helloTimeout,
          c.refusedIdleTimeout,
          c.maxHandshakesPerAddress,
          c.confirmTimeout,
          c.partialFrameTimeout,
          c.maxConnections,
          c.maxUnauthenticatedPerAddress,
          c.maxPendingKeys,
          c.newKeysPerAddressPerMinute);
    }

    /** The limits as mutable fields, for {@link #with}: one place that lists them all. */
    private static final class Change {
      Duration helloTimeout;
      Duration refusedIdleTimeout;
      int maxHandshakesPerAddress;
      Duration confirmTimeout;
      Duration partialFrameTimeout;
      int maxConnections;
      int maxUnauthenticatedPerAddress;
      int maxPendingKeys;
      int newKeysPerAddressPerMinute;

      Change(Admission a) {
        helloTimeout = a.helloTimeout;
        refusedIdleTimeout = a.refusedIdleTimeout;
        maxHandshakesPerAddress = a.maxHandshakesPerAddress;
        confirmTimeout = a.confirmTimeout;
        partialFrameTimeout = a.partialFrameTimeout;
        maxConnections = a.maxConnections;
        maxUnauthenticatedPerAddress = a.maxUnauthenticatedPerAddress;
        maxPendingKeys = a.maxPendingKeys;
        newKeysPerAddressPerMinute = a.newKeysPerAddressPerMinute;
      }
    }
  }

  /** Where the master's public key is written in clear: {@code <pki_dir>/master/master.pub}. */
  public Path masterPublicKeyFile() {
    return pkiDir.resolve("master").resolve("master.pub");
  }

  /** Reads and checks the config file. */
  public static MasterConfig load(Path file) throws ConfigException {
    return load(file, System::getenv);
  }

  /** As {@link #load(Path)}, reading environment variables from {@code env} (tests). */
  static MasterConfig load(Path file, Function<String, String> env) throws ConfigException {
    YamlSection top = YamlSection.readFile(file);
    top.requireOnly(TOP_KEYS);
    RootDir root = RootDir.read(top);
    Path pkiDir = root.requiredPath(top, "pki_dir", "etc/salt/pki/master");
    int keysize =
        (int)
            top.integer(
                "keysize", DEFAULT_KEYSIZE, RsaKeys.MIN_MODULUS_BITS, RsaKeys.MAX_MODULUS_BITS);
    YamlSection vault = top.section("vault");
    if (vault == null) {
      throw top.fail("vault", "required key is missing");
    }
    // The signing files may be missing or appear later (they are read at each decision): no
    // existence check here.
    boolean autoAccept = top.bool("auto_accept", false);
    Path autosignFile = root.path(top, "autosign_file", null);
    Path autorejectFile = root.path(top, "autoreject_file", null);
    Minions minions = minions(top);
    Duration grace = masterKeyGrace(top);
    Duration shortest = minions.reauthWindow().multipliedBy(2);
    if (!grace.isZero() && grace.compareTo(shortest) < 0) {
      // Connected minions meet a new master key only at their REAUTH, within reauth_window.
      throw top.fail(
          "master_key_grace",
          "must be 0 or at least twice reauth_window ("
              + shortest.toSeconds()
              + "s), or connected minions are locked out by a rotation");
    }
    return new MasterConfig(
        file,
        pkiDir,
        keysize,
        vaultConfig(vault, env),
        autoAccept,
        autosignFile,
        autorejectFile,
        minions,
        jobs(top, root, pkiDir),
        cryptoProvider(top),
        grace,
        nodegroups(top),
        pillar(top, root));
  }

  /**
   * Salt's pillar keys and brine's {@code pillar_secret_policies}. {@code pillar_roots} is Salt's
   * {@code base:} list or a plain list; absent, Salt's {@code /srv/pillar} (under {@code root_dir}
   * when one is given, so a test master never reads the host's pillar).
   */
  private static PillarConfig pillar(YamlSection top, RootDir root) throws ConfigException {
    List<Path> roots;
    YamlSection environments = top.isMapping("pillar_roots") ? top.section("pillar_roots") : null;
    if (environments != null) {
      environments.requireOnly(Set.of("base"));
      roots = environments.paths("base");
    } else if (top.has("pillar_roots")) {
      roots = top.paths("pillar_roots");
    } else if (root.given()) {
      roots = List.of(root.path(top, "pillar_roots", PillarConfig.DEFAULT_ROOT.substring(1)));
    } else {
      roots = List.of(Path.of(PillarConfig.DEFAULT_ROOT));
    }
    MergeStrategy strategy =
        MergeStrategy.of(
            top.oneOf(
                "pillar_source_merging_strategy",
                MergeStrategy.SMART.configName(),
                MergeStrategy.NAMES));
    boolean mergeLists = top.bool("pillar_merge_lists", false);
    Map<String, List<String>> bindings = new LinkedHashMap<>();
    YamlSection policies = top.section("pillar_secret_policies");
    if (policies != null) {
      for (String glob : policies.values().keySet()) {
        List<String> names = new ArrayList<>();
        for (String name : policies.strings(glob)) {
          try {
            names.add(PolicyParser.checkName(name));
          } catch (InvalidRequestException e) {
            throw policies.fail(glob, e.getMessage());
          }
        }
        if (names.isEmpty()) {
          throw policies.fail(glob, "expected a policy name or a list of them");
        }
        bindings.put(glob, names);
      }
    }
    return new PillarConfig(roots, strategy, mergeLists, SecretPolicies.of(bindings));
  }

  private static Nodegroups nodegroups(YamlSection top) throws ConfigException {
    try {
      return Nodegroups.parse(top.plain("nodegroups"));
    } catch (IllegalArgumentException e) {
      throw top.fail("nodegroups", e.getMessage());
    }
  }

  private static Duration masterKeyGrace(YamlSection top) throws ConfigException {
    if (!top.has("master_key_grace")) {
      return DEFAULT_MASTER_KEY_GRACE;
    }
    String text;
    try {
      text = top.string("master_key_grace", null);
    } catch (ConfigException e) {
      text = Long.toString(top.integer("master_key_grace", 0, 0, MAX_MASTER_KEY_GRACE.toSeconds()))
          + "s";
    }
    Duration grace;
    try {
      grace = Durations.parse(text.matches("\\d+") ? text + "s" : text);
    } catch (InvalidRequestException e) {
      throw top.fail("master_key_grace", e.getMessage() + " (e.g. 168h, 90m or 3600)");
    }
    if (grace.isNegative() || grace.compareTo(MAX_MASTER_KEY_GRACE) > 0) {
      throw top.fail("master_key_grace", "must be 0 to 87600h");
    }
    return grace;
  }

  private static Jobs jobs(YamlSection top, RootDir root, Path pkiDir) throws ConfigException {
    Path cachedir = root.path(top, "cachedir", "var/cache/salt/master");
    if (cachedir == null) {
      Path parent = pkiDir.toAbsolutePath().getParent();
      cachedir = (parent != null ? parent : pkiDir.toAbsolutePath()).resolve("cache");
    }
    long keepJobs = top.integer("keep_jobs", Jobs.DEFAULT_KEEP_JOBS_HOURS, 1, 24L * 3650);
    int maxJobs = (int) top.integer("max_jobs", Jobs.DEFAULT_MAX_JOBS, 1, 10_000_000);
    List<Path> fileRoots;
    YamlSection environments = top.isMapping("file_roots") ? top.section("file_roots") : null;
    if (environments != null) {
      environments.requireOnly(Set.of("base"));
      fileRoots = environments.paths("base");
    } else {
      fileRoots = top.paths("file_roots");
    }
    return new Jobs(cachedir, Duration.ofHours(keepJobs), maxJobs, fileRoots);
  }

  private static Minions minions(YamlSection top) throws ConfigException {
    String host = top.string("interface", Minions.DEFAULT_INTERFACE);
    if (host.isBlank()) {
      throw top.fail("interface", "expected an address to listen on, e.g. 0.0.0.0 or ::");
    }
    int port = (int) top.integer("ret_port", Minions.DEFAULT_RET_PORT, 0, 65535);
    long publishSession =
        top.integer(
            "publish_session", Minions.DEFAULT_PUBLISH_SESSION_SECONDS, 1, 366L * 24 * 3600);
    long reauthWindow =
        top.integer("reauth_window", Minions.DEFAULT_REAUTH_WINDOW_SECONDS, 0, 24 * 3600);
    int maxFrameBytes =
        (int)
            top.integer(
                "max_frame_bytes",
                Minions.DEFAULT_MAX_FRAME_BYTES,
                Minions.MIN_FRAME_BYTES,
                Minions.MAX_FRAME_BYTES_LIMIT);
    int threads =
        (int) top.integer("handshake_threads", Minions.defaultHandshakeThreads(), 1, 1024);
    int maxPending =
        (int)
            top.integer(
                "max_pending_handshakes", Minions.DEFAULT_MAX_PENDING_HANDSHAKES, 1, 1_000_000);
    Admission admission =
        new Admission(
            seconds(top, "hello_timeout", Admission.DEFAULT_HELLO_TIMEOUT_SECONDS, 3600),
            seconds(
                top,
                "refused_idle_timeout",
                Admission.DEFAULT_REFUSED_IDLE_TIMEOUT_SECONDS,
                24 * 3600),
            count(
                top, "max_handshakes_per_address", Admission.DEFAULT_MAX_HANDSHAKES_PER_ADDRESS),
            seconds(top, "confirm_timeout", Admission.DEFAULT_CONFIRM_TIMEOUT_SECONDS, 3600),
            seconds(
                top,
                "partial_frame_timeout",
                Admission.DEFAULT_PARTIAL_FRAME_TIMEOUT_SECONDS,
                3600),
            top.has("max_connections")
                ? count(top, "max_connections", Admission.DEFAULT_MAX_CONNECTIONS)
                : Admission.DEFAULT_MAX_CONNECTIONS,
            count(
                top,
                "max_unauthenticated_per_address",
                Admission.DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS),
            count(top, "max_pending_keys", Admission.DEFAULT_MAX_PENDING_KEYS),
            count(
                top,
                "max_new_keys_per_address",
                Admission.DEFAULT_NEW_KEYS_PER_ADDRESS_PER_MINUTE));
    return new Minions(
        host,
        port,
        Duration.ofSeconds(publishSession),
        Duration.ofSeconds(reauthWindow),
        maxFrameBytes,
        threads,
        maxPending,
        admission);
  }

  private static Duration seconds(YamlSection top, String key, long defaultSeconds, long max)
      throws ConfigException {
    return Duration.ofSeconds(top.integer(key, defaultSeconds, 1, max));
  }

  private static int count(YamlSection top, String key, int defaultValue) throws ConfigException {
    return (int) top.integer(key, defaultValue, 1, 1_000_000);
  }

  private static VaultConfig vaultConfig(YamlSection vault, Function<String, String> env)
      throws ConfigException {
    vault.requireOnly(VAULT_KEYS);
    VaultStorage storage = storage(vault, env);
    String apiAddr =
        vault.string("api_addr", VaultConfig.DEFAULT_API_HOST + ":" + VaultConfig.DEFAULT_API_PORT);
    ApiAddress address = ApiAddress.parse(apiAddr);
    if (address == null) {
      throw vault.fail(
          "api_addr",
          "expected host:port (e.g. 127.0.0.1:8200 or [::1]:8200), got '" + apiAddr + "'");
    }
    Path cert = vault.path("tls_cert_file");
    Path key = vault.path("tls_key_file");
    if (cert != null && key == null) {
      throw vault.fail("tls_key_file", "required when tls_cert_file is set");
    }
    if (key != null && cert == null) {
      throw vault.fail("tls_cert_file", "required when tls_key_file is set");
    }
    requireReadable(vault, "tls_cert_file", cert);
    requireReadable(vault, "tls_key_file", key);
    int maxRequestBytes =
        (int)
            vault.integer(
                "max_request_bytes",
                VaultConfig.DEFAULT_MAX_REQUEST_BYTES,
                MIN_REQUEST_BYTES,
                MAX_REQUEST_BYTES_LIMIT);
    SealConfiguration seal = sealConfig(vault.section("seal"));
    AuditConfig audit = auditConfig(vault);
    String redirectAddr = redirectAddr(vault, storage, address);
    return new VaultConfig(
        storage,
        address.host(),
        address.port(),
        cert,
        key,
        maxRequestBytes,
        apiLimits(vault),
        seal,
        audit,
        redirectAddr);
  }

  /**
   * {@code vault.storage}: absent, or {@code type: file}, is the folder at {@code storage_dir} as
   * before; {@code type: postgresql} takes OpenBao's keys, where numbers and booleans may be strings
   * as OpenBao's own configs write them ({@code ha_enabled: "true"}).
   */
  private static VaultStorage storage(YamlSection vault, Function<String, String> env)
      throws ConfigException {
    YamlSection storage = vault.section("storage");
    if (storage == null) {
      return new VaultStorage.Folder(vault.requiredPath("storage_dir"));
    }
    String type = storage.oneOf("type", null, List.of("file", "postgresql"));
    if (type == null) {
      throw storage.fail("type", "required key is missing: file or postgresql");
    }
    if (type.equals("file")) {
      for (String key : POSTGRESQL_KEYS) {
        if (!key.equals("type") && storage.has(key)) {
          throw storage.fail(key, "applies to type postgresql only; this storage is file");
        }
      }
      storage.requireOnly(Set.of("type"));
      return new VaultStorage.Folder(vault.requiredPath("storage_dir"));
    }
    storage.requireOnly(POSTGRESQL_KEYS);
    String url = storage.string("connection_url", null);
    String urlFrom = "";
    for (int i = 0; url == null && i < CONNECTION_URL_VARIABLES.size(); i++) {
      String value = env.apply(CONNECTION_URL_VARIABLES.get(i));
      if (value != null && !value.isBlank()) {
        url = value.trim();
        urlFrom = " (from " + CONNECTION_URL_VARIABLES.get(i) + ")";
      }
    }
    if (url == null) {
      throw storage.fail(
          "connection_url",
          "required key is missing (or set "
              + String.join(" or ", CONNECTION_URL_VARIABLES)
              + "), e.g. postgres://brine:secret@db.example:5432/brine?sslmode=verify-full");
    }
    try {
      ConnectionUrl.parse(url);
    } catch (IllegalArgumentException e) {
      throw storage.fail("connection_url", e.getMessage() + urlFrom);
    }
    int maxParallel =
        (int)
            numberOrString(
                storage, "max_parallel", PostgresqlConfig.DEFAULT_MAX_PARALLEL, 1, 100_000);
    int maxIdle =
        (int)
            numberOrString(
                storage,
                "max_idle_connections",
                Math.min(PostgresqlConfig.DEFAULT_MAX_IDLE_CONNECTIONS, maxParallel),
                0,
                maxParallel);
    int retries =
        (int)
            numberOrString(
                storage,
                "max_connect_retries",
                PostgresqlConfig.DEFAULT_MAX_CONNECT_RETRIES,
                0,
                1_000_000);
    String table = storage.string("table", PostgresqlConfig.DEFAULT_TABLE);
    String haTable = storage.string("ha_table", PostgresqlConfig.DEFAULT_HA_TABLE);
    if (haTable.equals(table)) {
      throw storage.fail("ha_table", "must name another table than table (" + table + ")");
    }
    try {
      return new VaultStorage.Postgresql(
          new PostgresqlConfig(
              url,
              table,
              boolOrString(storage, "ha_enabled", false),
              haTable,
              maxParallel,
              maxIdle,
              retries,
              boolOrString(storage, "skip_create_table", false)));
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      String key = message.startsWith("ha_table") ? "ha_table" : "table";
      throw storage.fail(key, message.startsWith(key) ? message.substring(key.length()).trim() : message);
    }
  }

  /** A whole number, given as one or as a string of one ({@code max_parallel: "128"}). */
  private static long numberOrString(
      YamlSection section, String key, long fallback, long min, long max) throws ConfigException {
    if (!section.isString(key)) {
      return section.integer(key, fallback, min, max);
    }
    String text = section.string(key, null);
    long n;
    try {
      n = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw section.fail(key, "expected a whole number, got a string that is not one");
    }
    if (n < min || n > max) {
      throw section.fail(key, "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  /** {@code true}/{@code false}, or the strings "true"/"false" OpenBao's configs use. */
  private static boolean boolOrString(YamlSection section, String key, boolean fallback)
      throws ConfigException {
    if (!section.isString(key)) {
      return section.bool(key, fallback);
    }
    switch (section.string(key, "").toLowerCase(java.util.Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw section.fail(key, "expected true or false (or the string \"true\" or \"false\")");
    }
  }

  /**
   * {@code redirect_addr}: the URL the other masters send operators to while this one is active.
   * Without it, the API's own URL, which a wildcard {@code api_addr} cannot give.
   */
  private static String redirectAddr(YamlSection vault, VaultStorage storage, ApiAddress api)
      throws ConfigException {
    String given = vault.string("redirect_addr", null);
    if (given != null) {
      String problem = RedirectAddress.problem(given);
      if (problem != null) {
        throw vault.fail("redirect_addr", problem + ", e.g. https://m1.example:8200");
      }
      return given;
    }
    boolean ha = storage instanceof VaultStorage.Postgresql p && p.config().haEnabled();
    if (ha && RedirectAddress.isWildcard(api.host())) {
      throw vault.fail(
          "redirect_addr",
          "required with ha_enabled when api_addr listens on every interface ("
              + api.host()
              + "): give the URL the other masters and operators reach this one at, e.g."
              + " https://m1.example:8200");
    }
    return null;
  }

  /**
   * OpenBao's audit switches and the declarative {@code audit:} list, each device checked as
   * enabling it would check it; a relative {@code file_path} is taken from the config's folder.
   */
  private static AuditConfig auditConfig(YamlSection vault) throws ConfigException {
    boolean apiCreation = vault.bool("unsafe_allow_api_audit_creation", false);
    boolean prefixing = vault.bool("allow_audit_log_prefixing", false);
    int every =
        (int)
            vault.integer(
                "audit_checkpoint_entries", AuditConfig.DEFAULT_CHECKPOINT_EVERY, 1, 1_000_000);
    long interval =
        vault.integer(
            "audit_checkpoint_interval",
            AuditConfig.DEFAULT_CHECKPOINT_INTERVAL.toSeconds(),
            1,
            86_400);
    List<AuditConfig.Declared> declared = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlSection device : vault.sectionList("audit")) {
      device.requireOnly(AUDIT_DEVICE_KEYS);
      String type = device.requiredString("type");
      String path = device.string("path", type);
      Map<String, String> options = new LinkedHashMap<>(device.stringMap("options"));
      String filePath = options.get("file_path");
      if (filePath != null
          && !filePath.equalsIgnoreCase("stdout")
          && !filePath.equalsIgnoreCase("discard")) {
        options.put("file_path", device.resolve("options.file_path", filePath).toString());
      }
      String name;
      try {
        name = AuditConfig.check(path, type, options, prefixing);
      } catch (InvalidRequestException e) {
        throw device.fail("options", e.getMessage());
      }
      if (!names.add(name)) {
        throw device.fail("path", "audit device " + name + "/ is declared twice");
      }
      declared.add(
          new AuditConfig.Declared(name, type, device.string("description", ""), options));
    }
    return new AuditConfig(
        apiCreation, prefixing, declared, every, java.time.Duration.ofSeconds(interval));
  }

  /** OpenBao's listener timeouts (in seconds here, as brine's other timeouts) and the caps. */
  private static VaultConfig.ApiLimits apiLimits(YamlSection vault) throws ConfigException {
    long header =
        vault.integer(
            "http_read_header_timeout",
            VaultConfig.ApiLimits.DEFAULT_READ_HEADER_TIMEOUT_SECONDS,
            1,
            3600);
    long read =
        vault.integer(
            "http_read_timeout", VaultConfig.ApiLimits.DEFAULT_READ_TIMEOUT_SECONDS, 1, 3600);
    if (header > read) {
      throw vault.fail(
          vault.has("http_read_timeout") ? "http_read_timeout" : "http_read_header_timeout",
          "http_read_header_timeout ("
              + header
              + " s) cannot be longer than http_read_timeout ("
              + read
              + " s), which counts the headers too");
    }
    long idle =
        vault.integer(
            "http_idle_timeout",
            VaultConfig.ApiLimits.DEFAULT_IDLE_TIMEOUT_SECONDS,
            1,
            24 * 3600);
    int connections =
        (int)
            vault.integer(
                "api_max_connections",
                VaultConfig.ApiLimits.DEFAULT_MAX_CONNECTIONS,
                1,
                1_000_000);
    int perAddress =
        (int)
            vault.integer(
                "api_max_connections_per_address",
                VaultConfig.ApiLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                1,
                1_000_000);
    return new VaultConfig.ApiLimits(
        Duration.ofSeconds(header),
        Duration.ofSeconds(read),
        Duration.ofSeconds(idle),
        connections,
        perAddress);
  }

  private static SealConfiguration sealConfig(YamlSection seal) throws ConfigException {
    if (seal == null) {
      return SealConfiguration.shamir();
    }
    seal.requireOnly(SEAL_KEYS);
    String type = seal.requiredString("type");
    if (type.equals("shamir")) {
      for (String key : SEAL_KEYS) {
        if (!key.equals("type") && seal.has(key)) {
          throw seal.fail(key, "applies to type pkcs11 only; this seal is shamir");
        }
      }
      return SealConfiguration.shamir();
    }
    if (!type.equals("pkcs11")) {
      throw seal.fail("type", "expected shamir or pkcs11, got '" + type + "'");
    }
    String lib = seal.requiredString("lib");
    // A bare file name is left to the dynamic loader's search path; anything with a slash is a
    // path.
    if (lib.contains("/")) {
      lib = seal.resolve("lib", lib).toString();
    }
    Long slot = seal.has("slot") ? seal.integer("slot", 0, 0, Long.MAX_VALUE) : null;
    String tokenLabel = seal.string("token_label", null);
    if ((slot == null) == (tokenLabel == null)) {
      throw seal.fail(
          slot == null ? "token_label" : "slot",
          slot == null
              ? "set token_label (or slot) to say which token holds the key"
              : "set either slot or token_label, not both");
    }
    String pinEnv = seal.string("pin_env", null);
    Path pinFile = seal.path("pin_file");
    if ((pinEnv == null) == (pinFile == null)) {
      throw seal.fail(
          pinEnv == null ? "pin_env" : "pin_file",
          pinEnv == null
              ? "set pin_env (an environment variable) or pin_file to give the token's user PIN"
              : "set either pin_env or pin_file, not both");
    }
    String keyLabel = seal.requiredString("key_label");
    Pkcs11Config hsm =
        new Pkcs11Config(
            lib, slot, tokenLabel, pinEnv, pinFile == null ? null : pinFile.toString(), keyLabel);
    return seal.bool("disabled", false)
        ? SealConfiguration.migrateFromPkcs11(hsm)
        : SealConfiguration.pkcs11(hsm);
  }

  private static void requireReadable(YamlSection section, String key, Path file)
      throws ConfigException {
    if (file != null && !Files.isReadable(file)) {
      throw section.fail(key, "cannot read " + file);
    }
  }

  /** {@code crypto_provider}, refused here when it asks for ACCP where ACCP does not load. */
  private static CryptoProviders.Choice cryptoProvider(YamlSection top) throws ConfigException {
    CryptoProviders.Choice choice =
        CryptoProviders.Choice.parse(
            top.oneOf("crypto_provider", "auto", CryptoProviders.Choice.NAMES));
    String why = CryptoProviders.whyUnavailable(choice);
    if (why != null) {
      throw top.fail("crypto_provider", why);
    }
    return choice;
  }
}
