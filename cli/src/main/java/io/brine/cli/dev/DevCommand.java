package io.brine.cli.dev;

import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.common.config.ConfigException;
import io.brine.master.MasterDaemon;
import io.brine.master.config.MasterConfig;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.daemon.MinionDaemon;
import io.brine.minion.keys.KeyFileException;
import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brine dev}: a master and one minion in this process, ready to use, as {@code bao server
 * -dev}: everything in a fresh temporary folder, the vault initialized with one share and unsealed,
 * the share and the root token printed, the local minion's key accepted (by an autosign file that
 * names it alone) and authenticated. Nothing of it is meant to be kept: Ctrl-C stops both and
 * deletes the folder.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Run a throw-away master and a local minion, ready for `brine run '*' test.ping`.",
      "Everything lives in a temporary folder (deleted at exit); the unseal key and the root token",
      "are printed. Not for production."
    })
public final class DevCommand implements Callable<Integer> {
  private static final long MINION_WAIT_SECONDS = 60;

  @Spec CommandSpec spec;

  @Option(
      names = "--api-addr",
      paramLabel = "<host:port>",
      defaultValue = "127.0.0.1:8200",
      description = "Where the operator API listens (default 127.0.0.1:8200).")
  String apiAddr;

  @Option(
      names = "--ret-port",
      paramLabel = "<port>",
      defaultValue = "4506",
      description = "Where minions connect, on 127.0.0.1 (default 4506; 0 picks a free port).")
  int retPort;

  @Option(
      names = "--minion-id",
      paramLabel = "<id>",
      defaultValue = "dev-minion",
      description = "The local minion's id (default dev-minion).")
  String minionId;

  @Option(
      names = "--dir",
      paramLabel = "<folder>",
      description = "Keep everything in this folder instead of a temporary one (not deleted).")
  Path keep;

  @Override
  public Integer call() throws Exception {
    Path dir = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("brine-dev-");
    Path delete = keep == null ? dir : null;
    MasterDaemon master;
    DevFiles files;
    try {
      files = DevFiles.write(dir, apiAddrToUse(), retPortToUse(), minionId);
      master = startMaster(files.masterConfig());
    } catch (IOException | RuntimeException e) {
      // Nothing runs yet, but the temporary folder exists: a failed start (the API port taken,
      // say) must not leave it behind with its half-written configs.
      if (delete != null) {
        DevFiles.deleteQuietly(delete);
      }
      throw e;
    }
    MinionDaemon minion = null;
    Runnable stop = () -> {};
    try {
      InitResult init = master.vault().initialize(new InitRequest(1, 1, 0, 0));
      master.vault().submitUnsealKey(init.keys().get(0), false);
      devSecrets(master.vault());
      minion = startMinion(files.minionConfig(master.minionPort()));
      MinionDaemon started = minion;
      stop = () -> stop(started, master, delete);
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "brine-dev-shutdown"));
      awaitAuthenticated(minion);
      // The start line is printed now, not at start: then it said "vault sealed" (issue 18).
      out().println(master.startLine());
      banner(dir, master, init);
    } catch (VaultException | IOException | RuntimeException e) {
      stop(minion, master, delete);
      throw new CliException("cannot start dev mode: " + e.getMessage(), e);
    }
    master.awaitShutdown();
    return ExitCodes.OK;
  }

  /**
   * The dev pillar's policy and its example secret, so that a first {@code pillar.items} shows a
   * secret travelling from the vault to the one minion a policy names.
   */
  private static void devSecrets(Vault vault) throws VaultException {
    vault.policies().put(DevFiles.PILLAR_POLICY, DevFiles.PILLAR_POLICY_TEXT);
    byte[] random = new byte[12];
    new java.security.SecureRandom().nextBytes(random);
    vault.kv().write(
        DevFiles.EXAMPLE_SECRET,
        java.util.Map.of("password", java.util.HexFormat.of().formatHex(random)),
        java.util.OptionalInt.empty());
  }

  private static MasterDaemon startMaster(Path config) {
    try {
      // Its start line is dropped: the vault is still sealed then; call() prints it unsealed.
      return MasterDaemon.start(
          MasterConfig.load(config),
          new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
    } catch (ConfigException | IOException | VaultException e) {
      throw new CliException("cannot start the dev master: " + e.getMessage(), e);
    }
  }

  private static MinionDaemon startMinion(Path config) throws IOException {
    try {
      return MinionDaemon.start(MinionConfig.load(config));
    } catch (ConfigException | KeyFileException e) {
      throw new IOException("cannot start the dev minion: " + e.getMessage(), e);
    }
  }

  private static void awaitAuthenticated(MinionDaemon minion) throws IOException {
    try {
      minion.authenticated().get(MINION_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IOException(
          "the local minion did not authenticate in " + MINION_WAIT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the local minion started", e);
    }
  }

  /**
   * The API address: as given, or, when left at its default and that port is taken (another dev
   * master, a real OpenBao), the same host on a free port. The banner prints where it went.
   */
  private String apiAddrToUse() {
    if (given("--api-addr")) {
      return apiAddr;
    }
    int colon = apiAddr.lastIndexOf(':');
    String host = apiAddr.substring(0, colon);
    int port = Integer.parseInt(apiAddr.substring(colon + 1));
    return portFree(host, port) ? apiAddr : host + ":" + freePortNote("operator API", port);
  }

  /** The minion port: as given, or a free one when the default 4506 is taken. */
  private int retPortToUse() {
    if (given("--ret-port") || retPort == 0 || portFree("127.0.0.1", retPort)) {
      return retPort;
    }
    return freePortNote("minion port", retPort);
  }

  private boolean given(String option) {
    return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private int freePortNote(String what, int taken) {
    err().println(
        "brine dev: port " + taken + " is taken; the " + what + " listens on a free port instead");
    err().flush();
    return 0;
  }

  private static boolean portFree(String host, int port) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void banner(Path dir, MasterDaemon master, InitResult init) {
    PrintWriter out = out();
    String url = master.apiUrl();
    out.println();
    out.println("brine is running in dev mode: a master and the minion '" + minionId + "',");
    out.println("everything in " + dir + (keep == null ? " (deleted when you stop it)." : "."));
    out.println("The vault is initialized with one key share and unsealed. Dev mode shows the");
    out.println("unseal key and root token below in plain sight: never use it for anything real.");
    out.println();
    out.println("Unseal Key: " + init.keys().get(0));
    out.println("Root Token: " + init.rootToken());
    out.println();
    out.println("In another terminal:");
    out.println();
    out.println("    export BRINE_ADDR='" + url + "'");
    out.println("    export BRINE_TOKEN='" + init.rootToken() + "'");
    out.println("    export BRINE_MASTER_CONFIG='" + dir.resolve("master/master.yaml") + "'");
    out.println("    brine key -L");
    out.println("    brine run '*' test.ping");
    out.println("    brine run '*' pillar.items       # a secret from the vault, to this minion only");
    out.println("    brine run '*' state.apply test=True");
    out.println();
    out.println("Ctrl-C stops the master and the minion.");
    out.flush();
  }

  private static void stop(MinionDaemon minion, MasterDaemon master, Path delete) {
    try {
      if (minion != null) {
        minion.close();
      }
      master.close();
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(DevCommand.class).warn("stopping dev mode: {}", e.toString());
    }
    if (delete != null) {
      DevFiles.deleteQuietly(delete);
    }
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
