package io.brine.cli.key;

import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.key.KeyView.Format;
import io.brine.cli.operator.OperatorClient;
import io.brine.common.config.ConfigException;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.config.MasterConfig;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.PkiDirectory;
import io.brine.protocol.IdGlob;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code brine key}: salt-key on the master's PKI folder. Option values are taken as text and
 * checked here, not by picocli, so that every usage error exits {@value #USAGE} as the help says
 * (the shared handler of the other commands exits 1).
 */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    customSynopsis = {
      "brine key [-L | -l=<status> | -a=GLOB | -A | -r=GLOB | -R | -d=GLOB",
      "                 | -D | -p=GLOB | -P | -f=GLOB | -F | --gen-keys=NAME | --rotate",
      "                 | --import=DIR [--dry-run]]",
      "                 [-yq] [--include-...] [--out=<format>] [-c=<master.yaml>]",
      "                 [--address=<url>] [--token=<token>]"
    },
    description = {
      "Manage minion keys as salt-key does: list, accept, reject, delete, print,",
      "fingerprint. Without an action it lists every key (-L). GLOB is a shell glob",
      "(*, ?, [...]) or a comma-separated list of them.",
      "",
      "Online mode, when an address is given (--address or $BRINE_ADDR, as for",
      "brine operator) and the master answers there (a token from $BRINE_TOKEN or",
      "--token is then required):",
      "listing, -a, -r and -d go through the running master's operator API, so a",
      "reject or delete of an accepted key closes that minion's connection and",
      "rotates the publish key at once. Globs are matched against the master's",
      "listing here, then one call makes the change. -p and -f read the folder.",
      "",
      "Offline mode, without an address, or when nothing listens there (then one",
      "line on stderr says so): works on the PKI folder (pki_dir in the master's",
      "config) directly. A running master watches that folder: a key removed or",
      "replaced there disconnects its minion and rotates the publish key within",
      "seconds, and always before the next job is sealed.",
      "",
      "--rotate rotates the publish key now (needs the running master); connected",
      "minions re-authenticate over their open connections. Prints the new epoch.",
      "",
      "--import DIR copies another master's key folder (Salt's layout: minions,",
      "minions_pre, minions_rejected, minions_denied, in DIR or in DIR/master) into",
      "the running master's keys (needs the running master and a token with sudo",
      "on brine/keys/import; on a cluster, into the shared store). An id the",
      "master holds with the same key in the same state is unchanged; another key,",
      "or the id in another state, is a conflict left out. A file that is not a",
      "key stops the import before anything is sent. --dry-run says what would",
      "happen and changes nothing. Run again, it reports everything unchanged.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 done, 1 error, 2 usage error, 3 no key matched (or nothing to act on),",
      "4 --import left some keys out as conflicts.",
      "Environment: BRINE_MASTER_CONFIG (the config file when -c is not given),",
      "BRINE_ADDR and BRINE_TOKEN (online mode), BRINE_CACERT (an https address's CA);",
      "when unset, BAO_ADDR, BAO_TOKEN, BAO_CACERT, then VAULT_ADDR, VAULT_TOKEN, VAULT_CACERT."
    })
public final class KeyCommand implements Callable<Integer> {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int NO_MATCH = 3;

  /** {@code --import} left some keys out: the master holds another key or state for them. */
  public static final int CONFLICTS = 4;

  static final String DEFAULT_CONFIG = "/etc/brine/master.yaml";

  /**
   * What picocli stores for an option given without its value ({@code -a} alone): blank, so the
   * checks below report it as a usage error (exit 2) instead of picocli (exit 1).
   */
  static final String MISSING = " ";

  CommandSpec spec;

  /**
   * Lets a flag be repeated ({@code -y -y}), which picocli would refuse through the shared handler
   * with exit 1 before this command could say 2.
   */
  @Spec
  void spec(CommandSpec commandSpec) {
    this.spec = commandSpec;
    commandSpec.parser().overwrittenOptionsAllowed(true);
  }

  @Option(
      names = {"-L", "--list-all"},
      description = "List every key, by status.")
  boolean listAll;

  @Option(
      names = {"-l", "--list"},
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "<status>",
      description =
          "List one status: pre|un|unaccepted, acc|accepted, rej|rejected, den|denied, all.")
  List<String> list = new ArrayList<>();

  @Option(
      names = {"-a", "--accept"},
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "GLOB",
      description = "Accept matching unaccepted keys.")
  List<String> accept = new ArrayList<>();

  @Option(
      names = {"-A", "--accept-all"},
      description = "Accept every unaccepted key.")
  boolean acceptAll;

  @Option(
      names = {"-r", "--reject"},
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "GLOB",
      description = "Reject matching unaccepted keys.")
  List<String> reject = new ArrayList<>();

  @Option(
      names = {"-R", "--reject-all"},
      description = "Reject every unaccepted key.")
  boolean rejectAll;

  @Option(
      names = {"-d", "--delete"},
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "GLOB",
      description = "Delete matching keys, whatever their status.")
  List<String> delete = new ArrayList<>();

  @Option(
      names = {"-D", "--delete-all"},
      description = "Delete every key.")
  boolean deleteAll;

  @Option(
      names = {"-p", "--print"},
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "GLOB",
      description = "Print matching public keys.")
  List<String> print = new ArrayList<>();

  @Option(
      names = {"-P", "--print-all"},
      description = "Print every public key.")
  boolean printAll;

  @Option(
      names = {"-f", "--finger"},
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "GLOB",
      description = "Fingerprints of matching keys (and the master's own, as local).")
  List<String> finger = new ArrayList<>();

  @Option(
      names = {"-F", "--finger-all"},
      description = "Fingerprints of every key.")
  boolean fingerAll;

  @Option(
      names = "--rotate",
      description = "Rotate the publish key of the running master now; prints the new epoch.")
  boolean rotate;

  @Option(
      names = "--import",
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "DIR",
      description =
          "Import another master's key folder (Salt's layout) into the running master.")
  List<String> importDir = new ArrayList<>();

  @Option(names = "--dry-run", description = "--import: say what would be imported, change nothing.")
  boolean dryRun;

  @Option(
      names = {"-y", "--yes"},
      description = "Answer yes to the confirmation prompt.")
  boolean yes;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print nothing but errors.")
  boolean quiet;

  @Option(names = "--include-rejected", description = "-a/-A also accept rejected keys.")
  boolean includeRejected;

  @Option(names = "--include-accepted", description = "-r/-R also reject accepted keys.")
  boolean includeAccepted;

  @Option(
      names = "--include-denied",
      description =
          "-a/-A and -r/-R also act on denied keys (accepting one replaces the accepted key).")
  boolean includeDenied;

  @Option(names = "--include-all", description = "All three --include options.")
  boolean includeAll;

  @Option(
      names = "--gen-keys",
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "NAME",
      description = "Write a new pair NAME.pem (0600) and NAME.pub; print its fingerprint.")
  List<String> genKeys = new ArrayList<>();

  @Option(
      names = "--gen-keys-dir",
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "DIR",
      description = "Where --gen-keys writes (default: the current folder).")
  List<String> genKeysDir = new ArrayList<>();

  @Option(
      names = "--keysize",
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "BITS",
      description =
          "--gen-keys key size; default 2048, smaller is raised to 2048 as salt-key does.")
  List<String> keysize = new ArrayList<>();

  @Option(
      names = "--out",
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "<format>",
      description = "text (default), json or yaml (Salt's shape: minions, minions_pre, ...).")
  List<String> out = new ArrayList<>();

  @Option(
      names = {"-c", "--config"},
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "<master.yaml>",
      description =
          "The master's config, for pki_dir (default: $BRINE_MASTER_CONFIG, else "
              + DEFAULT_CONFIG
              + ").")
  List<String> config = new ArrayList<>();

  @Option(
      names = "--address",
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "<url>",
      description = "The running master's operator API (default: $BRINE_ADDR; none: offline).")
  List<String> address = new ArrayList<>();

  @Option(
      names = "--token",
      arity = "0..1",
      fallbackValue = KeyCommand.MISSING,
      hideParamSyntax = true,
      paramLabel = "<token>",
      description = "Token for the operator API (default: $BRINE_TOKEN, which is better).")
  List<String> token = new ArrayList<>();

  /**
   * Anything picocli does not know, reported here with exit 2 rather than by the shared handler.
   */
  @Unmatched List<String> unmatched = new ArrayList<>();

  /** The master's config file, set once the options are checked. */
  private String configFile;

  /** A usage problem found while checking the options; call() turns it into exit 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() {
    try {
      return run();
    } catch (UsageException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("Error: " + e.getMessage());
      err.println("Try '" + spec.qualifiedName() + " --help' for usage.");
      err.flush();
      return USAGE;
    }
  }

  private int run() throws UsageException {
    if (!unmatched.isEmpty()) {
      String first = unmatched.get(0);
      throw new UsageException(
          first.startsWith("-") ? "unknown option " + first : "unexpected argument " + first);
    }
    Format format = Format.parse(single("--out", out, "text").toLowerCase(Locale.ROOT));
    if (format == null) {
      throw new UsageException("--out takes text, json or yaml");
    }
    KeyView view = new KeyView(spec.commandLine().getOut(), format, quiet);
    boolean inclRejected = includeRejected || includeAll;
    boolean inclAccepted = includeAccepted || includeAll;
    boolean inclDenied = includeDenied || includeAll;
    String action = action();
    if (action.equals("--gen-keys")) {
      return genKeys(view);
    }
    configFile = configFile();
    String url =
        single("--address", address, brine().environment().apiAddress());
    if (action.equals("--rotate")) {
      return rotate(view, url);
    }
    if (action.equals("--import")) {
      Path dir = Path.of(single("--import", importDir, null));
      if (url == null) {
        throw new CliException(
            "--import needs the running master: give its address with BRINE_ADDR or --address");
      }
      return new ImportAction(view, new OnlineKeys(client(url))).run(dir, dryRun);
    }
    if (dryRun) {
      throw new UsageException("--dry-run goes with --import only");
    }
    KeyStore keys = keys(url, READS.contains(action));
    Actions actions = new Actions(this, view, keys);
    return switch (action) {
      case "-L" -> actions.list(EnumSet.allOf(KeyStatus.class));
      case "-l" -> actions.list(statuses(single("-l", list, null)));
      case "-a" -> actions.accept(globs("-a", accept), inclRejected, inclDenied);
      case "-A" -> actions.accept(List.of(IdGlob.of("*")), inclRejected, inclDenied);
      case "-r" -> actions.reject(globs("-r", reject), inclAccepted, inclDenied);
      case "-R" -> actions.reject(List.of(IdGlob.of("*")), inclAccepted, inclDenied);
      case "-d" -> actions.delete(globs("-d", delete));
      case "-D" -> actions.delete(List.of(IdGlob.of("*")));
      case "-p" -> actions.print(globs("-p", print), false);
      case "-P" -> actions.print(List.of(IdGlob.of("*")), false);
      case "-f" -> actions.print(globs("-f", finger), true);
      case "-F" -> actions.print(List.of(IdGlob.of("*")), true);
      default -> throw new IllegalStateException(action);
    };
  }

  /** The actions that only read keys: these fall back to the folder while the vault is sealed. */
  private static final Set<String> READS =
      Set.of("-L", "-l", "-p", "-P", "-f", "-F");

  /** The one action asked for; -L when none. */
  private String action() throws UsageException {
    Map<String, Boolean> given = new LinkedHashMap<>();
    given.put("-L", listAll);
    given.put("-l", !list.isEmpty());
    given.put("-a", !accept.isEmpty());
    given.put("-A", acceptAll);
    given.put("-r", !reject.isEmpty());
    given.put("-R", rejectAll);
    given.put("-d", !delete.isEmpty());
    given.put("-D", deleteAll);
    given.put("-p", !print.isEmpty());
    given.put("-P", printAll);
    given.put("-f", !finger.isEmpty());
    given.put("-F", fingerAll);
    given.put("--gen-keys", !genKeys.isEmpty());
    given.put("--rotate", rotate);
    given.put("--import", !importDir.isEmpty());
    List<String> chosen = new ArrayList<>();
    given.forEach(
        (option, on) -> {
          if (on) {
            chosen.add(option);
          }
        });
    if (chosen.size() > 1) {
      throw new UsageException("give one action at a time, not " + String.join(" and ", chosen));
    }
    return chosen.isEmpty() ? "-L" : chosen.get(0);
  }

  /** An option that takes one value: given at most once, and not empty. */
  private static String single(String option, List<String> values, String fallback)
      throws UsageException {
    if (values.isEmpty()) {
      return fallback;
    }
    if (values.size() > 1) {
      throw new UsageException(option + " is given more than once");
    }
    String value = values.get(0).strip();
    if (value.isEmpty()) {
      throw new UsageException(option + " needs a value");
    }
    return value;
  }

  /** Every glob of every occurrence, split at commas as salt-key does. */
  private static List<IdGlob> globs(String option, List<String> values) throws UsageException {
    List<IdGlob> globs = new ArrayList<>();
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        if (part.isBlank()) {
          throw new UsageException(option + " needs a glob or a comma-separated list of them");
        }
        globs.add(IdGlob.of(part.strip()));
      }
    }
    return globs;
  }

  private static Set<KeyStatus> statuses(String name) throws UsageException {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "pre", "un", "unaccepted" -> EnumSet.of(KeyStatus.PENDING);
      case "acc", "accepted" -> EnumSet.of(KeyStatus.ACCEPTED);
      case "rej", "rejected" -> EnumSet.of(KeyStatus.REJECTED);
      case "den", "denied" -> EnumSet.of(KeyStatus.DENIED);
      case "all" -> EnumSet.allOf(KeyStatus.class);
      default ->
          throw new UsageException(
              "-l takes pre, un, unaccepted, acc, accepted, rej, rejected, den, denied or all;"
                  + " not '"
                  + name
                  + "'");
    };
  }

  private int genKeys(KeyView view) throws UsageException {
    String name = single("--gen-keys", genKeys, null);
    if (!MinionId.isValid(name)) {
      throw new UsageException(
          "--gen-keys takes a file name of letters, digits, '.', '-' and '_', not '" + name + "'");
    }
    String bitsText = single("--keysize", keysize, String.valueOf(RsaKeys.DEFAULT_MINION_BITS));
    int bits;
    try {
      bits = Integer.parseInt(bitsText);
    } catch (NumberFormatException e) {
      throw new UsageException("--keysize takes a number of bits, not '" + bitsText + "'");
    }
    if (bits > RsaKeys.MAX_MODULUS_BITS) {
      throw new UsageException("--keysize is at most " + RsaKeys.MAX_MODULUS_BITS);
    }
    bits = Math.max(bits, RsaKeys.MIN_MODULUS_BITS);
    Path dir = Path.of(single("--gen-keys-dir", genKeysDir, "."));
    GenKeys.Written written = GenKeys.write(dir, name, bits);
    if (view.isText()) {
      view.line(written.publicKey().getFileName() + ":  " + written.fingerprint());
    } else {
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("private_key", written.privateKey().toString());
      tree.put("public_key", written.publicKey().toString());
      tree.put("fingerprint", written.fingerprint());
      view.structured(tree);
    }
    return OK;
  }

  /**
   * Online through the master at {@code url} when one is given and something listens there;
   * offline (with one line on stderr when the master was not reachable) otherwise. While its vault
   * is sealed the master cannot answer: a reading action works on the folder when it is readable
   * here (as salt-key lists while the master is down), saying so in one line; anything else is a
   * one-line error.
   */
  private KeyStore keys(String url, boolean reads) throws UsageException {
    if (url == null) {
      return KeyStore.folder(directory());
    }
    String bearer = token();
    OnlineKeys online = new OnlineKeys(connect(url, bearer));
    try {
      online.list(); // the probe: the listing every action starts from
      if (bearer == null) {
        throw needsToken(url); // a master that answers without a token is not brine's
      }
      return online;
    } catch (OperatorClient.Unreachable e) {
      // Down: the folder is the only copy of the keys, and a token would not help.
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "master not reachable at "
              + url
              + "; working on "
              + pkiDir()
              + " directly: a running master notices a removed key within seconds");
      err.flush();
      return KeyStore.folder(directory());
    } catch (OperatorClient.ApiError e) {
      if (e.status() == 503 && e.reason().contains("sealed")) {
        return sealedFallback(url, reads);
      }
      if (bearer == null && e.status() == 403) {
        throw needsToken(url);
      }
      throw e;
    } catch (CliException e) {
      if (bearer == null && String.valueOf(e.getMessage()).contains(": 403")) {
        throw needsToken(url); // not "permission denied": say what is missing
      }
      throw e;
    }
  }

  private KeyStore sealedFallback(String url, boolean reads) {
    if (!reads) {
      throw new CliException(
          "the master at "
              + url
              + " is sealed: unseal its vault (brine operator unseal) to change keys");
    }
    KeyStore folder;
    try {
      folder = KeyStore.folder(directory());
    } catch (CliException notHere) {
      throw new CliException(
          "the master at "
              + url
              + " is sealed, and its PKI folder is not readable here ("
              + notHere.getMessage()
              + "): unseal its vault (brine operator unseal)",
          notHere);
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "the master at " + url + " is sealed; reading " + pkiDir() + " directly instead");
    err.flush();
    return folder;
  }

  private int rotate(KeyView view, String url) throws UsageException {
    if (url == null) {
      throw new CliException(
          "--rotate needs the running master: give its address with BRINE_ADDR or --address");
    }
    int epoch = OnlineKeys.rotate(client(url));
    if (view.isText()) {
      view.line("Publish key rotated: epoch " + epoch + ".");
    } else {
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("epoch", epoch);
      view.structured(tree);
    }
    return OK;
  }

  /** A client that must have a token. */
  private OperatorClient client(String url) throws UsageException {
    String bearer = token();
    if (bearer == null) {
      throw needsToken(url);
    }
    return connect(url, bearer);
  }

  private String token() throws UsageException {
    return single("--token", token, brine().environment().apiToken());
  }

  private static CliException needsToken(String url) {
    return new CliException(
        "brine key talks to the master at " + url + ": give a token with BRINE_TOKEN or --token");
  }

  private OperatorClient connect(String url, String bearer) {
    String ca =
        url.startsWith("https:") ? brine().environment().apiCaCert() : null;
    return OperatorClient.connect(url, bearer, ca == null ? null : Path.of(ca));
  }

  /** The configured {@code pki_dir}. */
  private Path pkiDir() {
    return masterConfig().pkiDir();
  }

  private MasterConfig masterConfig() {
    String file = configFile;
    try {
      return MasterConfig.load(Path.of(file));
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /** -c, else $BRINE_MASTER_CONFIG, else the default. */
  private String configFile() throws UsageException {
    String file = single("-c", config, null);
    if (file == null) {
      file = brine().environment().getOrDefault("BRINE_MASTER_CONFIG", DEFAULT_CONFIG);
    }
    return file;
  }

  /** The PKI folder of the configured master; a CliException when it cannot be opened. */
  private PkiDirectory directory() {
    String file = configFile;
    MasterConfig masterConfig = masterConfig();
    Path root = masterConfig.pkiDir().resolve("master");
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      // Creating folders under a mistyped pki_dir would hide the mistake: say so instead.
      throw new CliException(
          "no PKI folder at " + root + " (pki_dir in " + file + "); has the master run yet?");
    }
    try {
      return PkiDirectory.open(masterConfig.pkiDir());
    } catch (IOException e) {
      throw new CliException("cannot open the PKI folder " + root + ": " + e.getMessage(), e);
    }
  }

  Brine brine() {
    return (Brine) spec.root().userObject();
  }

  /** The keys of the given statuses whose id matches one of the globs, by status, sorted. */
  static Map<KeyStatus, List<String>> select(
      Map<KeyStatus, List<MinionId>> all, Set<KeyStatus> statuses, List<IdGlob> globs) {
    Map<KeyStatus, List<String>> selected = new EnumMap<>(KeyStatus.class);
    for (KeyStatus status : statuses) {
      List<String> ids = new ArrayList<>();
      for (MinionId id : all.get(status)) {
        if (globs.stream().anyMatch(g -> g.matches(id.value()))) {
          ids.add(id.value());
        }
      }
      if (!ids.isEmpty()) {
        selected.put(status, ids);
      }
    }
    return selected;
  }

  static Set<MinionId> ids(Map<KeyStatus, List<String>> selected) {
    Set<MinionId> ids = new TreeSet<>();
    selected.values().forEach(list -> list.forEach(id -> ids.add(MinionId.of(id))));
    return ids;
  }

  /** For {@link Actions}: the outcome of a transition, as text lines or Salt's JSON shape. */
  static Map<KeyStatus, List<String>> grouped(KeyChanges changes, boolean byTarget) {
    Map<KeyStatus, List<String>> byStatus = new EnumMap<>(KeyStatus.class);
    for (KeyChanges.Change change : changes.changes()) {
      KeyStatus status = byTarget ? change.to() : change.from();
      List<String> ids = byStatus.computeIfAbsent(status, s -> new ArrayList<>());
      if (!ids.contains(change.id().value())) {
        ids.add(change.id().value());
      }
    }
    return byStatus;
  }
}
