package io.brine.cli.minion;

import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.common.config.ConfigException;
import io.brine.crypto.CryptoProviders;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.daemon.MinionDaemon;
import io.brine.minion.keys.KeyFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brine minion -c <config.yaml>}: runs the minion in the foreground until the process is
 * told to stop (SIGTERM, Ctrl-C). It connects to its master, authenticates, and keeps doing so
 * across master restarts; a pending, rejected or sealed answer never ends it.
 */
@Command(
    name = "minion",
    mixinStandardHelpOptions = true,
    description = {
      "Run the minion in the foreground; it logs to stderr.",
      "It makes its key pair at the first start, pins the master's key at first contact",
      "(or checks master_finger), and reconnects with backoff. SIGTERM or Ctrl-C stops it."
    })
public final class MinionCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "<config.yaml>",
      description = "The minion's config file (minion.example.yaml documents every key).")
  Path config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    MinionConfig minionConfig;
    try {
      minionConfig = MinionConfig.load(config);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), e);
    }
    MinionDaemon daemon;
    try {
      daemon = MinionDaemon.start(minionConfig);
    } catch (KeyFileException e) {
      throw new CliException("cannot start the minion: " + e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(daemon), "brine-minion-shutdown"));
    spec.commandLine().getOut().println(startLine(minionConfig));
    spec.commandLine().getOut().flush();
    daemon.awaitShutdown();
    return ExitCodes.OK;
  }

  /**
   * {@code brine minion <version>: id <id>, master <host>:<port>; crypto <provider>}, or {@code
   * masters <a>, <b>, <c> (failover)} for Salt's list form.
   */
  static String startLine(MinionConfig config) {
    List<String> masters = config.masters().stream().map(Object::toString).toList();
    return "brine minion "
        + Brine.version()
        + ": id "
        + config.id()
        + (masters.size() == 1
            ? ", master " + masters.get(0)
            : ", masters " + String.join(", ", masters) + " (failover)")
        + "; crypto "
        + CryptoProviders.describe();
  }

  private static void close(MinionDaemon daemon) {
    try {
      daemon.close();
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(MinionCommand.class)
          .warn("closing the minion failed: {}", e.toString());
    }
  }
}
