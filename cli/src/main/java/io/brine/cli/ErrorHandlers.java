package io.brine.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The only places that turn a failure into terminal output: one "Error: ..." line on stderr, the
 * stack trace in the debug log and nowhere else.
 */
final class ErrorHandlers {
  private ErrorHandlers() {}

  /** A command failed while running. */
  static final class Execution implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception exception, CommandLine commandLine, ParseResult parseResult) {
      DebugLog.debug(
          Brine.class, "{} failed", commandLine.getCommandSpec().qualifiedName(), exception);
      PrintWriter err = commandLine.getErr();
      err.println("Error: " + describe(exception));
      err.flush();
      return exception instanceof CliException cli ? cli.exitCode() : ExitCodes.ERROR;
    }

    private static String describe(Exception exception) {
      String message = exception.getMessage();
      if (exception instanceof CliException && message != null) {
        return firstLine(message);
      }
      // Not a failure brine expected: say what it was and where the details are.
      String what = message == null || message.isBlank() ? "" : ": " + firstLine(message);
      return exception.getClass().getSimpleName()
          + what
          + " (run with --debug for the stack trace)";
    }
  }

  /**
   * The command line itself was wrong: the message and a hint, exit 1 (not picocli's 2), or 2 for a
   * {@link VerdictCommand}, whose 1 means something else.
   */
  static final class Usage implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException exception, String[] args) {
      CommandLine commandLine = exception.getCommandLine();
      PrintWriter err = commandLine.getErr();
      if (exception instanceof UnmatchedArgumentException unmatched
          && commandLine.getCommand() instanceof TakesSecretArguments) {
        err.println("Error: " + withoutValues(unmatched.getUnmatched()));
      } else {
        err.println("Error: " + firstLine(String.valueOf(exception.getMessage())));
      }
      UnmatchedArgumentException.printSuggestions(exception, err);
      err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
      err.flush();
      return commandLine.getCommand() instanceof VerdictCommand
          ? VerdictCommand.TROUBLE
          : ExitCodes.ERROR;
    }
  }

  /**
   * picocli would quote every unmatched argument, and on these commands one may be a key share or a
   * token (a mistyped {@code --tokne s.XYZ}): name the unknown options only.
   */
  private static String withoutValues(List<String> unmatched) {
    List<String> options =
        unmatched.stream()
            .filter(argument -> argument.startsWith("-"))
            .map(
                argument ->
                    argument.contains("=")
                        ? argument.substring(0, argument.indexOf('='))
                        : argument)
            .toList();
    String reason = "not repeated here: they may hold a key share or a token";
    return options.isEmpty()
        ? "too many arguments (" + reason + ")"
        : "unknown option " + String.join(", ", options) + " (its arguments are " + reason + ")";
  }

  static String firstLine(String message) {
    String trimmed = message.strip();
    int end = trimmed.indexOf('\n');
    return end < 0 ? trimmed : trimmed.substring(0, end).strip();
  }
}
