package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import io.brine.cli.token.DurationFlag;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brine operator rotate-master-key}: a new RSA key for the master, made inside the vault and
 * vouched for by the current one ({@code PUT /v1/sys/master-key/rotate}). Minions pinned to the
 * old key re-pin the new one when they next authenticate within the grace.
 */
@Command(
    name = "rotate-master-key",
    mixinStandardHelpOptions = true,
    description = {
      "Replace the master's own RSA key. The current key signs that the new one follows it,",
      "and keeps answering minions pinned to it for the grace period (default: the master's",
      "master_key_grace, 168h); they re-pin the new key on their own. Then it is destroyed.",
      "Needs a token with sudo on sys/master-key/rotate."
    })
final class RotateMasterKey extends OperatorCommand {
  @Option(
      names = {"-grace", "--grace"},
      paramLabel = "<duration>",
      converter = DurationFlag.class,
      description = "How long the old key still answers, e.g. 168h, 30m, 3600 (seconds).")
  Duration grace;

  @Override
  protected int run(OperatorClient api, Output output) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (grace != null) {
      body.put("grace", DurationFlag.wire(grace));
    }
    JsonNode answer = api.put("/v1/sys/master-key/rotate", body.isEmpty() ? null : body);
    JsonNode data = data(answer);
    if (!output.isTable()) {
      output.answer(data);
      return ExitCodes.OK;
    }
    output.line("Success! Rotated the master's key; minions re-pin it as they authenticate.");
    output.line("");
    output.table(MasterKeyTable.of(data));
    return ExitCodes.OK;
  }
}
