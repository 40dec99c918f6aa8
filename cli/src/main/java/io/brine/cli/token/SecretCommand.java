package io.brine.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorCommand;
import io.brine.cli.operator.Output;
import io.brine.cli.operator.Table;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * A token command whose answer is a token ({@code create}, {@code lookup}, {@code renew}): printed
 * as bao prints it, or one field of it with {@code -field}, e.g. {@code TOKEN=$(brine token create
 * -field=token -policy=web)}.
 */
abstract class SecretCommand extends OperatorCommand {
  @Option(
      names = {"-field", "--field"},
      paramLabel = "<name>",
      description =
          "Print only this field (token, token_accessor, token_duration, token_policies, ...,"
              + " or a lookup key such as ttl); with -format=json as JSON.")
  String field;

  /** Prints the answer (warnings first, on stderr, as bao) or the one field asked for. */
  int print(JsonNode answer, Output output) {
    if (field != null) {
      return printField(answer, output);
    }
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    JsonNode warnings = answer == null ? null : answer.path("warnings");
    if (warnings != null && warnings.isArray() && !warnings.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("WARNING! The following warnings were returned from the master:");
      err.println();
      warnings.forEach(warning -> err.println("  * " + warning.asText()));
      err.println();
      err.flush();
    }
    Table table = SecretTable.table(answer);
    if (table != null) {
      output.table(table);
    }
    return ExitCodes.OK;
  }

  private int printField(JsonNode answer, Output output) {
    JsonNode value = SecretTable.field(answer, field);
    if (value == null) {
      throw new CliException(
          "no field \"" + field + "\" in the answer (fields: "
              + String.join(", ", SecretTable.rows(answer).keySet()) + ")");
    }
    if (!output.isTable()) {
      output.answer(value);
      return ExitCodes.OK;
    }
    // As bao: the bare value, with no line break when it goes to a pipe or a file, so that
    // $(brine token create -field=token) and > token.txt hold exactly the token.
    PrintWriter out = output.out();
    out.print(SecretTable.goText(value));
    if (brine().console() != null) {
      out.println();
    }
    out.flush();
    return ExitCodes.OK;
  }
}
