package io.brine.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.Output;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine token renew}: {@code PUT /v1/auth/token/renew-self} without an argument, {@code PUT
 * /v1/auth/token/renew} with a token, {@code POST /v1/auth/token/renew-accessor} with {@code
 * -accessor}. The increment goes as whole seconds, a number, as bao sends it.
 */
@Command(
    name = "renew",
    mixinStandardHelpOptions = true,
    description = {
      "Extend a token's life: the calling token's (BRINE_TOKEN) without an argument.",
      "The master may grant less than -increment (explicit max TTL, period)."
    })
final class TokenRenew extends SecretCommand {
  @Option(
      names = {"-increment", "--increment", "-i"},
      paramLabel = "<duration>",
      converter = DurationFlag.class,
      description = "The new TTL asked for, e.g. 1h (default: the token's own).")
  Duration increment;

  @Option(
      names = {"-accessor", "--accessor"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "The argument is an accessor, not a token.")
  boolean accessor;

  @Parameters(
      arity = "0..1",
      paramLabel = "TOKEN|ACCESSOR",
      description = "The token (or with -accessor, the accessor) to renew.")
  String argument;

  @Override
  protected int run(OperatorClient api, Output output) {
    String target = argument == null ? null : argument.strip();
    Map<String, Object> body = new LinkedHashMap<>();
    JsonNode answer;
    if (accessor) {
      if (target == null || target.isEmpty()) {
        throw usage("-accessor needs the accessor to renew (expected 1 argument, got 0)");
      }
      body.put("accessor", target);
      answer = api.post("/v1/auth/token/renew-accessor", withIncrement(body));
    } else if (target == null) {
      answer = api.put("/v1/auth/token/renew-self", withIncrement(body));
    } else {
      body.put("token", target);
      answer = api.put("/v1/auth/token/renew", withIncrement(body));
    }
    return print(answer, output);
  }

  private Map<String, Object> withIncrement(Map<String, Object> body) {
    if (increment != null) {
      body.put("increment", increment.toSeconds());
    }
    return body;
  }
}
