package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.output.OutputOptions;
import io.brine.cli.output.Outputter;
import io.brine.common.config.ConfigException;
import io.brine.minion.call.LocalCall;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.daemon.MinionDaemon;
import io.brine.minion.keys.KeyFileException;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.protocol.MinionId;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code brine call FUNCTION [ARG...] [KEY=VALUE...]}: Salt's {@code salt-call}, the minion's own
 * functions run here, in this process, printed under {@code local:} as salt-call prints them.
 *
 * <p>Without {@code --local} it reads the minion's config and opens a call session to its master
 * ({@link MinionDaemon#startCallSession}: the minion's own keys and pinned master key, never
 * displacing the running daemon's connection), so that {@code salt://} files come over the
 * encrypted channel; the function runs here either way. {@code --local} opens nothing and runs
 * with no config file at all, on Salt's defaults (the id is the host name, as the daemon's
 * default).
 */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description = {
      "Run a minion function on this host, as Salt's salt-call.",
      "Without --local, salt:// files come from the minion's master over a call session of its"
          + " own (the running minion keeps its connection).",
      "ARGs of the form key=value are keyword arguments; a value that starts with { or [ is read"
          + " as JSON.",
      "--local runs without any config file; otherwise the minion's config is read"
          + " (--config FILE, or -c DIR for DIR/minion)."
    },
    footer = {
      "",
      "Exit codes: 0 the function ran (whatever its retcode, as salt-call),",
      "            its retcode with --retcode-passthrough,",
      "            1 unknown function, refused arguments, a failure, bad usage,",
      "            2 no session with the master (key not accepted, sealed, unreachable),"
          + " as salt-call."
    })
public final class CallCommand implements Callable<Integer> {
  /** salt-call's code when the minion cannot authenticate with its master. */
  static final int NOT_AUTHENTICATED = 2;

  /** The longest wait for a call session; one round of the masters normally ends sooner. */
  static final Duration SESSION_WAIT = Duration.ofSeconds(90);

  /** Salt's name for the minion's config file inside its config folder. */
  static final String CONFIG_FILE_IN_DIR = "minion";

  @Spec CommandSpec spec;

  @Option(names = "--local", description = "Run without a master (and without a config file).")
  boolean local;

  @Option(
      names = {"-c", "--config-dir"},
      paramLabel = "<dir>",
      description = "Salt's config folder: its 'minion' file is the config.")
  Path configDir;

  @Option(
      names = "--config",
      paramLabel = "<config.yaml>",
      description = "The minion's config file, as brine minion -c takes it.")
  Path configFile;

  @Option(names = "--id", paramLabel = "<id>", description = "The minion id the function sees.")
  String id;

  @Mixin OutputOptions output;

  @Option(
      names = {"-l", "--log-level"},
      paramLabel = "<level>",
      description = "Salt's levels: quiet, critical, error, warning (default), info, debug, trace.")
  String logLevel;

  @Option(
      names = "--retcode-passthrough",
      description = "Exit with the function's retcode.")
  boolean retcodePassthrough;

  @Parameters(index = "0", paramLabel = "FUNCTION", description = "e.g. test.ping, cmd.run.")
  String function;

  @Parameters(index = "1..*", paramLabel = "ARG", description = "Arguments, key=value for keywords.")
  List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    Brine brine = (Brine) spec.root().userObject();
    Outputter.Options options = output.options(spec, brine.console() != null, function);
    if (logLevel != null) {
      applyLogLevel(logLevel);
    }
    if (configDir != null && configFile != null) {
      throw new ParameterException(spec.commandLine(), "give --config or -c, not both");
    }
    MinionConfig config = config();
    MinionId minionId = minionId(config);
    Arguments parsed = Arguments.parse(arguments);
    ObjectMapper json = new ObjectMapper();
    LocalCall.Outcome outcome;
    if (local) {
      outcome =
          new LocalCall(FunctionRegistry.builtIn(), minionId)
              .run(function, plain(json, parsed.positional()), plainMap(json, parsed));
    } else {
      try (MinionDaemon session = callSession(config.withId(minionId))) {
        outcome =
            new LocalCall(
                    FunctionRegistry.builtIn(), minionId, session.masterFiles(),
                    session.masterPillar())
                .run(function, plain(json, parsed.positional()), plainMap(json, parsed));
      }
    }
    ObjectNode ret = json.createObjectNode();
    ret.set("return", json.valueToTree(outcome.value()));
    ret.put("retcode", outcome.retcode());
    ret.put("success", outcome.ran() && outcome.retcode() == 0);
    PrintWriter out = output.writer(spec.commandLine().getOut());
    Returns returns = new Returns(out, options, false);
    returns.add("local", ret);
    returns.finish();
    out.flush();
    if (output.toFile()) {
      out.close();
    }
    if (!outcome.ran()) {
      return ExitCodes.ERROR;
    }
    return retcodePassthrough ? outcome.retcode() : ExitCodes.OK;
  }

  /**
   * A call session with the minion's master, authenticated; a refusal is salt-call's exit 2 with
   * the master's answer in one line.
   */
  private MinionDaemon callSession(MinionConfig config) throws InterruptedException {
    MinionDaemon session;
    try {
      session = MinionDaemon.startCallSession(config);
    } catch (KeyFileException e) {
      throw new CliException(e.getMessage(), e);
    }
    try {
      session.authenticated().get(SESSION_WAIT.toSeconds(), TimeUnit.SECONDS);
      return session;
    } catch (ExecutionException e) {
      session.close();
      String line =
          e.getCause() instanceof MinionDaemon.CallSessionRefused refused
              ? refused.getMessage()
              : "cannot open a session with the master: " + e.getCause();
      throw new CliException(line, NOT_AUTHENTICATED);
    } catch (TimeoutException e) {
      session.close();
      throw new CliException(
          "no session with the master " + session.currentMaster() + " within "
              + SESSION_WAIT.toSeconds() + " s",
          NOT_AUTHENTICATED);
    } catch (InterruptedException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** The minion's config, or null under --local when there is none. */
  private MinionConfig config() {
    Path file = configFile;
    if (file == null && configDir != null) {
      file = configDir.resolve(CONFIG_FILE_IN_DIR);
      if (local && !Files.exists(file)) {
        return null; // salt-call --local -c DIR runs on defaults when DIR has no minion file
      }
    }
    if (file == null) {
      if (local) {
        return null;
      }
      throw new CliException(
          "brine call needs the minion's config (--config FILE or -c DIR), or --local");
    }
    try {
      return MinionConfig.load(file);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  private MinionId minionId(MinionConfig config) {
    String chosen = id != null ? id : config != null ? config.id().value() : hostName();
    try {
      return MinionId.of(chosen);
    } catch (IllegalArgumentException e) {
      throw new CliException("--id: " + e.getMessage());
    }
  }

  /** The daemon's default id; Salt's last resort, "localhost", when the host has no name. */
  private static String hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name == null || name.isBlank() ? "localhost" : name;
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** JSON-looking arguments arrive as trees; functions take plain values. */
  private static List<Object> plain(ObjectMapper json, List<Object> values) {
    List<Object> plain = new ArrayList<>();
    for (Object v : values) {
      plain.add(v instanceof JsonNode node ? json.convertValue(node, Object.class) : v);
    }
    return plain;
  }

  private static java.util.Map<String, Object> plainMap(ObjectMapper json, Arguments parsed) {
    java.util.Map<String, Object> plain = new java.util.LinkedHashMap<>();
    parsed
        .keywords()
        .forEach(
            (k, v) -> plain.put(k, v instanceof JsonNode n ? json.convertValue(n, Object.class) : v));
    return plain;
  }

  /**
   * Salt's {@code -l} names as brine's log levels, set before logback starts (the CLI asks for no
   * logger before its command runs; see Brine.configureLogging). OFF silences the log, as quiet.
   */
  private void applyLogLevel(String salt) {
    String level =
        switch (salt.toLowerCase(Locale.ROOT)) {
          case "quiet" -> "OFF";
          case "critical", "error" -> "ERROR";
          case "warning", "warn" -> "WARN";
          case "info" -> "INFO";
          case "profile", "debug" -> "DEBUG";
          case "trace", "garbage", "all" -> "TRACE";
          default ->
              throw new ParameterException(
                  spec.commandLine(),
                  "--log-level must be quiet, critical, error, warning, info, debug or trace");
        };
    System.setProperty("brine.log.level", level);
  }
}
