package io.brine.cli;

import io.brine.cli.audit.AuditCommand;
import io.brine.cli.dev.DevCommand;
import io.brine.cli.job.CallCommand;
import io.brine.cli.job.CpCommand;
import io.brine.cli.job.JobsCommand;
import io.brine.cli.job.RunCommand;
import io.brine.cli.key.KeyCommand;
import io.brine.cli.kv.KvCommand;
import io.brine.cli.master.MasterCommand;
import io.brine.cli.minion.MinionCommand;
import io.brine.cli.operator.Operator;
import io.brine.cli.operator.Status;
import io.brine.cli.policy.PolicyCommand;
import io.brine.cli.token.TokenCommand;
import io.brine.crypto.CryptoProviders;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * The {@code brine} command. {@link #main} and the tests build it the same way, through {@link
 * #commandLine}, so a test runs exactly what a user runs, with its own streams and environment.
 */
@Command(
    name = "brine",
    mixinStandardHelpOptions = true,
    versionProvider = Brine.Version.class,
    description = "A Salt-style master whose keys live in a sealed vault.",
    subcommands = {
      MasterCommand.class,
      MinionCommand.class,
      Operator.class,
      KeyCommand.class,
      RunCommand.class,
      JobsCommand.class,
      CallCommand.class,
      CpCommand.class,
      TokenCommand.class,
      PolicyCommand.class,
      KvCommand.class,
      AuditCommand.class,
      Status.class,
      DevCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 error (usage errors included), except:",
      "  brine status, operator status: 2 sealed;  audit list: 2 none enabled;",
      "  audit verify: 1 broken, 2 could not check;",
      "  brine key: 2 usage error, 3 no key matched, 4 import conflicts;",
      "  brine run, jobs show|active|kill: 3 no minion matched, 4 a minion failed",
      "  or did not return (or answer).",
      "Run 'brine help <command>' for a command's options."
    })
public final class Brine {
  /** Read in {@link #configureLogging}, from the parse result, not from this field. */
  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Log at debug level to stderr, stack traces included (or BRINE_LOG=debug).")
  boolean debug;

  private final Environment environment;
  private final InputStream stdin;
  private final Console console;

  /**
   * @param console the terminal to prompt on without echo, or null when there is none (keys are
   *     then read from {@code stdin}, one line each)
   */
  public Brine(Environment environment, InputStream stdin, Console console) {
    this.environment = Objects.requireNonNull(environment);
    this.stdin = Objects.requireNonNull(stdin);
    this.console = console;
  }

  public Environment environment() {
    return environment;
  }

  public InputStream stdin() {
    return stdin;
  }

  /** The interactive terminal, or null. */
  public Console console() {
    return console;
  }

  /** The command line {@code main} runs; tests pass their own writers and read what they got. */
  public static CommandLine commandLine(Brine brine, PrintWriter out, PrintWriter err) {
    CommandLine commandLine =
        new CommandLine(brine) {
          @Override
          public int execute(String... args) {
            return super.execute(BaoFlags.rewrite(this, args));
          }
        };
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionStrategy(
        parseResult -> {
          configureLogging(parseResult, brine.environment);
          return new RunLast().execute(parseResult);
        });
    commandLine.setExecutionExceptionHandler(new ErrorHandlers.Execution());
    commandLine.setParameterExceptionHandler(new ErrorHandlers.Usage());
    return commandLine;
  }

  public static void main(String[] args) {
    Charset charset = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
    Brine brine = new Brine(Environment.system(), System.in, interactiveConsole());
    int exitCode = commandLine(brine, out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /**
   * Picks the logback configuration and level before logback starts: it starts at the first {@code
   * LoggerFactory.getLogger}, which in brine comes after parsing because the CLI's classes ask for
   * their loggers when they log, never in static fields. In a JVM where logback already runs
   * (tests) this changes nothing, which is harmless.
   */
  static void configureLogging(ParseResult parseResult, Environment environment) {
    String level = logLevel(environment.get("BRINE_LOG"));
    boolean master = false;
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        level = "DEBUG";
      }
      master |= p.commandSpec().userObject() instanceof MasterCommand
          || p.commandSpec().userObject() instanceof MinionCommand
          || p.commandSpec().userObject() instanceof DevCommand;
    }
    if (master && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-master.xml");
    }
    if (level != null && System.getProperty("brine.log.level") == null) {
      System.setProperty("brine.log.level", level);
    }
  }

  private static String logLevel(String brineLog) {
    if (brineLog == null) {
      return null;
    }
    String level = brineLog.trim().toUpperCase(Locale.ROOT);
    return switch (level) {
      case "TRACE", "DEBUG", "INFO", "WARN", "ERROR" -> level;
      default -> null;
    };
  }

  /**
   * {@link System#console()} when both ends are a terminal. From Java 22 on it may return a console
   * even for piped input, so {@code Console.isTerminal()} (22+, called reflectively because brine
   * compiles for 17) has the last word: {@code echo KEY | brine operator unseal} must read the
   * pipe.
   */
  static Console interactiveConsole() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console)) ? console : null;
    } catch (NoSuchMethodException e) {
      return console; // Java 17 to 21: System.console() is already null when not a terminal.
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  /**
   * "brine 0.1.0" from the version Maven writes into version.properties, the Java, and who does the
   * crypto by default here (a daemon's {@code crypto_provider} may say otherwise; its start line
   * tells).
   */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "brine " + version(),
        "Java " + Runtime.version(),
        "crypto " + CryptoProviders.describe()
      };
    }
  }

  /** The project version, e.g. "0.1.0-SNAPSHOT". */
  public static String version() {
    Properties properties = new Properties();
    try (InputStream in = Brine.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the version resource", e);
    }
    return properties.getProperty("version", "unknown");
  }
}
