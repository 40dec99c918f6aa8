package io.brine.cli.master;

import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.master.HangupSignal;
import io.brine.master.MasterDaemon;
import io.brine.common.config.ConfigException;
import io.brine.master.config.MasterConfig;
import io.brine.vault.VaultException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brine master -c <config.yaml>}: runs the master in the foreground until the process is
 * told to stop (SIGTERM, Ctrl-C), then closes it, which seals the vault in memory.
 */
@Command(
    name = "master",
    mixinStandardHelpOptions = true,
    description = {
      "Run the master in the foreground; it logs to stderr.",
      "Its vault starts sealed (a PKCS#11 vault unseals itself) and its operator API",
      "listens on vault.api_addr. SIGTERM or Ctrl-C stops it and seals the vault;",
      "SIGHUP reopens the audit files (for logrotate)."
    })
public final class MasterCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "<config.yaml>",
      description = "The master's config file (master.example.yaml documents every key).")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    MasterConfig masterConfig;
    try {
      masterConfig = MasterConfig.load(config);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), e);
    }
    MasterDaemon daemon = start(masterConfig);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(daemon), "brine-master-shutdown"));
    // logrotate's postrotate `kill -HUP`: the audit files are reopened, their chains go on.
    HangupSignal.onHangup(daemon::reopenAuditDevices);
    daemon.awaitShutdown();
    return ExitCodes.OK;
  }

  private static MasterDaemon start(MasterConfig masterConfig) {
    try {
      return MasterDaemon.start(masterConfig);
    } catch (IOException | VaultException e) {
      throw new CliException("cannot start the master: " + e.getMessage(), e);
    }
  }

  private static void close(MasterDaemon daemon) {
    try {
      daemon.close();
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(MasterCommand.class)
          .warn("closing the master failed: {}", e.toString());
    }
  }
}
