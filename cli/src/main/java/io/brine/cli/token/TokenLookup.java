package io.brine.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.Output;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine token lookup}: {@code GET /v1/auth/token/lookup-self} without an argument, {@code
 * POST /v1/auth/token/lookup} with a token, {@code POST /v1/auth/token/lookup-accessor} with
 * {@code -accessor}. The token goes in the body, never in the URL (which proxies log).
 */
@Command(
    name = "lookup",
    mixinStandardHelpOptions = true,
    description = {
      "Show a token's properties: the calling token's (BRINE_TOKEN) without an argument,",
      "else the token given, or with -accessor the token that accessor belongs to."
    })
final class TokenLookup extends SecretCommand {
  @Option(
      names = {"-accessor", "--accessor"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "The argument is an accessor, not a token (the answer then has no token).")
  boolean accessor;

  @Parameters(
      arity = "0..1",
      paramLabel = "TOKEN|ACCESSOR",
      description = "The token (or with -accessor, the accessor) to look up.")
  String argument;

  @Override
  protected int run(OperatorClient api, Output output) {
    String target = argument == null ? null : argument.strip();
    JsonNode answer;
    if (accessor) {
      if (target == null || target.isEmpty()) {
        throw usage("-accessor needs the accessor to look up (expected 1 argument, got 0)");
      }
      answer = api.post("/v1/auth/token/lookup-accessor", Map.of("accessor", target));
    } else if (target == null) {
      answer = api.get("/v1/auth/token/lookup-self");
    } else {
      answer = api.post("/v1/auth/token/lookup", Map.of("token", target));
    }
    return print(answer, output);
  }
}
