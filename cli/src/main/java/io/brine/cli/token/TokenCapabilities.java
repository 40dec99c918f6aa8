package io.brine.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.OperatorCommand;
import io.brine.cli.operator.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code brine token capabilities [TOKEN] PATH}: {@code POST /v1/sys/capabilities-self} for the
 * calling token, {@code POST /v1/sys/capabilities} for another one. The body names the path both
 * ways, {@code path} (what bao sends) and {@code paths} (what OpenBao documents), so either kind
 * of server reads it.
 */
@Command(
    name = "capabilities",
    mixinStandardHelpOptions = true,
    description = {
      "Show what a token may do on a path (read, update, list, sudo, deny, root, ...):",
      "the calling token's (BRINE_TOKEN) with one argument, else TOKEN's.",
      "  brine token capabilities brine/jobs"
    })
final class TokenCapabilities extends OperatorCommand {
  @Parameters(
      arity = "1..2",
      paramLabel = "[TOKEN] PATH",
      description = "An optional token, then the path.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(OperatorClient api, Output output) {
    String token = arguments.size() == 2 ? arguments.get(0).strip() : null;
    String path = arguments.get(arguments.size() - 1).strip();
    Map<String, Object> body = new LinkedHashMap<>();
    if (token != null) {
      body.put("token", token);
    }
    body.put("path", path);
    body.put("paths", List.of(path));
    JsonNode answer =
        api.post(token == null ? "/v1/sys/capabilities-self" : "/v1/sys/capabilities", body);
    List<String> capabilities = capabilities(answer, path);
    if (output.isTable()) {
      output.line(String.join(", ", capabilities.stream().sorted().toList()));
    } else {
      // As bao: the list itself, e.g. ["read", "update"].
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      capabilities.forEach(list::add);
      output.answer(list);
    }
    return ExitCodes.OK;
  }

  /** The path's capabilities from OpenBao's answer: under data (or at the top, as older servers). */
  private static List<String> capabilities(JsonNode answer, String path) {
    if (answer != null) {
      for (JsonNode from : List.of(answer.path("data"), answer)) {
        for (String key : List.of(path, "capabilities")) {
          JsonNode list = from.path(key);
          if (list.isArray() && !list.isEmpty()) {
            List<String> capabilities = new ArrayList<>();
            list.forEach(c -> capabilities.add(c.asText()));
            return capabilities;
          }
        }
      }
    }
    throw new CliException("the master's answer has no capabilities for " + path);
  }
}
