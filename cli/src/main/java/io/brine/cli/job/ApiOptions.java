package io.brine.cli.job;

import io.brine.cli.Environment;
import io.brine.cli.operator.OperatorClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The operator API options {@code brine run} and {@code brine jobs} share (a picocli mixin). */
final class ApiOptions {
  @Option(
      names = "--address",
      paramLabel = "<url>",
      description = "The master's operator API (default: $BRINE_ADDR, else http://127.0.0.1:8200).")
  String address;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      description = "Token (default: $BRINE_TOKEN, which is better: an option stays in history).")
  String token;

  @Option(
      names = "--tls-ca",
      paramLabel = "<pem>",
      description = "CA certificates to trust for an https address (default: $BRINE_CACERT).")
  Path tlsCa;

  OperatorClient connect(Environment environment) {
    return OperatorClient.fromOptions(environment, address, token, tlsCa);
  }
}
