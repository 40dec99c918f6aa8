package io.brine.vault.testing;

import io.brine.vault.VaultException;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.seal.pkcs11.Pkcs11Wrapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Real SoftHSM tokens for tests, in a private token store under {@code target/softhsm}.
 *
 * <p><b>Every test that touches PKCS#11 in this module must call {@link #get()} first.</b> SoftHSM
 * reads {@code SOFTHSM2_CONF} and scans its token directory only once per JVM, at the first {@code
 * C_Initialize}; a token made after that is invisible for the rest of the run, and the JVM can
 * never switch to another token store. So this singleton, on first use, wipes and recreates the
 * token directory, writes the config file that surefire's {@code SOFTHSM2_CONF} points at, and
 * initializes all the tokens up front ({@link #TOKEN_1}, {@link #TOKEN_2}, {@link
 * #TOKEN_NEVER_LOGGED_IN}). Tests share those tokens, so give each key a fresh label from {@link
 * #newKeyLabel}. The store is never /etc/softhsm or /var/lib/softhsm, and is fresh in every JVM
 * (one test JVM at a time: surefire's default {@code forkCount=1}).
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * SoftHsm hsm = SoftHsm.get();
 * Pkcs11Config config = hsm.createKey(SoftHsm.TOKEN_1, hsm.newKeyLabel("unseal"));
 * Pkcs11Wrapper wrapper = Pkcs11Wrapper.connect(config);
 * }</pre>
 */
public final class SoftHsm {
  public static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
  public static final String TOKEN_1 = "brine-test-1";
  public static final String TOKEN_2 = "brine-test-2";

  /**
   * For wrong-PIN tests only: never log in to it with the right PIN. PKCS#11 login lasts for the
   * process, and SunPKCS11 does not check the PIN again on a token this JVM is logged in to.
   */
  public static final String TOKEN_NEVER_LOGGED_IN = "brine-test-no-login";

  /**
   * The user PIN of every token; keyvault/pom.xml also gives it to surefire as {@link #PIN_ENV}.
   */
  public static final String PIN = "246810";

  /** An environment variable that surefire sets to {@link #PIN}. */
  public static final String PIN_ENV = "BRINE_TEST_HSM_PIN";

  private static final String SO_PIN = "13579135";
  private static final Pattern REASSIGNED_SLOT = Pattern.compile("reassigned to slot (\\d+)");
  private static final long TOOL_TIMEOUT_SECONDS = 60;

  private static SoftHsm instance;

  private final Path confFile;
  private final Path pinFile;
  private final Map<String, Long> slots;
  private final AtomicInteger labels = new AtomicInteger();

  private SoftHsm(Path confFile, Path pinFile, Map<String, Long> slots) {
    this.confFile = confFile;
    this.pinFile = pinFile;
    this.slots = slots;
  }

  /** The tokens of this JVM, made on the first call. */
  public static synchronized SoftHsm get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  public String library() {
    return LIBRARY;
  }

  /** The slot id SoftHSM gave the token when it was initialized in this run. */
  public long slot(String tokenLabel) {
    Long slot = slots.get(tokenLabel);
    if (slot == null) {
      throw new IllegalArgumentException("no test token labelled " + tokenLabel);
    }
    return slot;
  }

  public String pin() {
    return PIN;
  }

  /** A file holding {@link #PIN} followed by a newline, as an operator's {@code echo} writes it. */
  public Path pinFile() {
    return pinFile;
  }

  /** A key label not used before in this JVM, e.g. "unseal-7". */
  public String newKeyLabel(String purpose) {
    return purpose + "-" + labels.incrementAndGet();
  }

  /** Finds the token by label and reads the PIN from {@link #pinFile()}. */
  public Pkcs11Config config(String tokenLabel, String keyLabel) {
    return new Pkcs11Config(LIBRARY, null, tokenLabel, null, pinFile.toString(), keyLabel);
  }

  /** Finds the token by its slot id and reads the PIN from {@link #pinFile()}. */
  public Pkcs11Config configBySlot(String tokenLabel, String keyLabel) {
    return new Pkcs11Config(LIBRARY, slot(tokenLabel), null, null, pinFile.toString(), keyLabel);
  }

  /** Makes an AES-256 key through {@link Pkcs11Wrapper#createKey} and returns its config. */
  public Pkcs11Config createKey(String tokenLabel, String keyLabel) throws VaultException {
    Pkcs11Config config = config(tokenLabel, keyLabel);
    Pkcs11Wrapper.createKey(config);
    return config;
  }

  /**
   * Makes a sensitive AES-256 key the way an operator would, with OpenSC's pkcs11-tool, and returns
   * its config.
   */
  public Pkcs11Config createKeyWithPkcs11Tool(String tokenLabel, String keyLabel) {
    pkcs11Tool(tokenLabel, "--keygen", "--key-type", "AES:32", "--label", keyLabel, "--sensitive");
    return config(tokenLabel, keyLabel);
  }

  /** Runs pkcs11-tool logged in to the token, e.g. {@code "--list-objects"}; returns its output. */
  public String pkcs11Tool(String tokenLabel, String... arguments) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "pkcs11-tool",
                "--module",
                LIBRARY,
                "--token-label",
                tokenLabel,
                "--login",
                "--pin",
                PIN));
    command.addAll(List.of(arguments));
    return run(confFile, command);
  }

  private static SoftHsm start() {
    Path confFile = confFileFromEnvironment();
    Path dir = confFile.getParent();
    Path tokens = dir.resolve("tokens");
    try {
      deleteRecursively(tokens);
      Files.createDirectories(tokens);
      Files.writeString(
          confFile,
          "directories.tokendir = "
              + tokens
              + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
      Path pinFile = dir.resolve("user-pin");
      Files.writeString(pinFile, PIN + "\n");
      Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-------"));

      Map<String, Long> slots = new LinkedHashMap<>();
      for (String label : List.of(TOKEN_1, TOKEN_2, TOKEN_NEVER_LOGGED_IN)) {
        slots.put(label, initToken(confFile, label));
      }
      return new SoftHsm(confFile, pinFile, Map.copyOf(slots));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the SoftHSM token store in " + dir, e);
    }
  }

  /** Surefire sets SOFTHSM2_CONF (keyvault/pom.xml); the library reads the same variable. */
  private static Path confFileFromEnvironment() {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      throw new IllegalStateException(
          "SOFTHSM2_CONF is not set; run the HSM tests through Maven, which points it at"
              + " keyvault/target/softhsm/softhsm2.conf");
    }
    Path path = Path.of(conf).toAbsolutePath().normalize();
    if (path.startsWith("/etc") || path.startsWith("/var")) {
      throw new IllegalStateException(
          "SOFTHSM2_CONF=" + path + " is a system token store; tests only use a private one");
    }
    return path;
  }

  private static long initToken(Path confFile, String label) {
    String output =
        run(
            confFile,
            List.of(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                SO_PIN,
                "--pin",
                PIN));
    Matcher slot = REASSIGNED_SLOT.matcher(output);
    if (!slot.find()) {
      throw new IllegalStateException("softhsm2-util printed no slot for " + label + ": " + output);
    }
    return Long.parseLong(slot.group(1));
  }

  private static String run(Path confFile, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SOFTHSM2_CONF", confFile.toString());
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish: " + output);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            command.get(0) + " failed (exit " + process.exitValue() + "): " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run " + command.get(0) + " (scripts/ensure-softhsm.sh installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
