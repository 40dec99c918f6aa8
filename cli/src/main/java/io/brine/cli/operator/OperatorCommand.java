package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.TakesSecretArguments;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every command that talks to the master's operator API shares: the address, the token, the
 * output format and the CA, each with its environment fallback, plus reading a key share. Public
 * for {@code brine token} and {@code brine policy}, which live in their own packages. The address
 * and the format also take bao's single-dash spelling ({@code -address}, {@code -format=json}).
 */
public abstract class OperatorCommand implements Callable<Integer>, TakesSecretArguments {
  static final String DEFAULT_ADDRESS = OperatorClient.DEFAULT_ADDRESS;

  @Spec protected CommandSpec spec;

  @Option(
      names = {"--address", "-address"},
      paramLabel = "<url>",
      description =
          "The master's operator API (default: $BRINE_ADDR, else " + DEFAULT_ADDRESS + ").")
  String address;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      description =
          "Token for privileged calls (default: $BRINE_TOKEN, which is better: a token given"
              + " here stays in shell history).")
  String token;

  @Option(
      names = {"--format", "-format"},
      paramLabel = "<format>",
      defaultValue = "table",
      description =
          "table (default), json or yaml; json and yaml print the API's answer as is (its data"
              + " on OpenBao's logical paths, as bao prints it).")
  Format format;

  @Option(
      names = "--tls-ca",
      paramLabel = "<pem>",
      description = "CA certificates to trust for an https address (default: $BRINE_CACERT).")
  Path tlsCa;

  @Override
  public final Integer call() {
    Output output = new Output(spec.commandLine().getOut(), format);
    return offline() ? runOffline(output) : run(client(), output);
  }

  /** Runs the command against the master; returns its exit code. */
  protected abstract int run(OperatorClient api, Output output);

  /** True when this invocation needs no master (e.g. decoding a token). */
  boolean offline() {
    return false;
  }

  int runOffline(Output output) {
    throw new IllegalStateException(spec.qualifiedName() + " has no offline mode");
  }

  private OperatorClient client() {
    return OperatorClient.fromOptions(brine().environment(), address, token, tlsCa);
  }

  protected Brine brine() {
    return (Brine) spec.root().userObject();
  }

  /** A key share from the argument, else from the terminal without echo, else from stdin. */
  String shareOrPrompt(String argument, String prompt) {
    if (argument != null) {
      return argument;
    }
    return ShareInput.read(brine(), prompt);
  }

  /** A usage error: "Error: <message>" and the help hint, exit 1. */
  protected ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** True when the option was given on the command line (not just defaulted). */
  protected boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  protected static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "" : value.asText();
  }

  /**
   * The {@code data} of an answer on one of OpenBao's logical paths (rotate/root,
   * generate-root-token, key-status): what {@code bao} decodes and prints.
   */
  static JsonNode data(JsonNode logical) {
    JsonNode data = logical == null ? null : logical.get("data");
    if (data == null || !data.isObject()) {
      throw unexpected("data");
    }
    return data;
  }

  protected static CliException unexpected(String what) {
    return new CliException("the master's answer has no " + what);
  }
}
