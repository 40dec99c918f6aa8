package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.OperatorCommand;
import io.brine.cli.operator.Output;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What every {@code brine kv} command shares: the address, token and format of the other bao-style
 * commands, bao's {@code -mount}, the path resolved through the master's preflight as bao resolves
 * it, and bao's exit codes (1 for the command line, 2 for the master's refusals).
 */
abstract class KvPathCommand extends OperatorCommand {
  @Option(
      names = {"-mount", "--mount"},
      paramLabel = "<mount>",
      description =
          "The KV engine's mount (secret); PATH is then the path inside it. Without it PATH"
              + " starts with the mount: secret/db/prod.")
  String mount = "";

  @Override
  protected final int run(OperatorClient client, Output output) {
    return run(new KvApi(client), output);
  }

  protected abstract int run(KvApi api, Output output);

  /**
   * The typed path split into mount and secret as bao does: with {@code -mount}, the preflight
   * looks up the mount and the argument is the path inside it; without, it looks up the argument,
   * whose first part is the mount.
   */
  KvPath resolve(KvApi api, String typed) {
    String path = KvPath.sanitize(typed);
    if (mount.isEmpty()) {
      return KvPath.inside(api.mountOf(path), path);
    }
    String mountPath = api.mountOf(KvPath.sanitize(mount));
    return KvPath.inside(mountPath, mountPath + path);
  }

  /** The one PATH argument, with bao's messages for none or more. */
  static String onePath(List<String> arguments) {
    if (arguments.isEmpty()) {
      throw new CliException("Not enough arguments (expected 1, got 0)");
    }
    if (arguments.size() > 1) {
      throw new CliException("Too many arguments (expected 1, got " + arguments.size() + ")");
    }
    return arguments.get(0);
  }

  /**
   * picocli has already replaced a lone {@code @FILE} argument by the file's words when the file
   * exists: refuse rather than store fragments of a JSON file as keys and values.
   */
  void refuseArgumentFiles() {
    for (String original : spec.root().commandLine().getParseResult().originalArgs()) {
      if (original.startsWith("@") && !original.startsWith("@@")) {
        throw KvData.atFile();
      }
    }
  }

  /** The answer's warnings on stderr, as bao prints them above a table. */
  void warnings(JsonNode answer) {
    JsonNode warnings = answer == null ? null : answer.path("warnings");
    if (warnings == null || !warnings.isArray() || warnings.isEmpty()) {
      return;
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println("WARNING! The following warnings were returned from the master:");
    err.println();
    warnings.forEach(warning -> err.println("  * " + warning.asText()));
    err.println();
    err.flush();
  }

  /**
   * bao's {@code PrintRawField}: the value bare, with no line break unless stdout is a terminal,
   * so {@code $(brine kv get -field=password secret/db)} and {@code > file} hold exactly the
   * value; with {@code -format=json}, as JSON. A key that is not there is exit 1, as in bao.
   */
  int printField(JsonNode from, String field, Output output) {
    JsonNode value = from == null ? null : from.get(field);
    if (value == null || value.isNull()) {
      throw new CliException("Field \"" + field + "\" not present in secret");
    }
    if (!output.isTable()) {
      output.answer(value);
      return ExitCodes.OK;
    }
    PrintWriter out = output.out();
    out.print(KvTables.goText(value));
    if (brine().console() != null) {
      out.println();
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * What {@code kv put} and {@code kv patch} print: the new version's metadata under the secret's
   * path, one of its fields, or the API's answer.
   */
  int printWritten(JsonNode answer, String shown, String field, Output output) {
    if (answer == null) {
      if (output.isTable()) {
        output.line("Success! Data written to: " + shown);
      }
      return ExitCodes.OK;
    }
    if (field != null) {
      return printField(answer.path("data"), field, output);
    }
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    warnings(answer);
    JsonNode metadata = answer.path("data");
    PrintWriter out = output.out();
    KvTables.path(out, "Secret Path", shown);
    out.println(KvTables.headerFor("Metadata", metadata));
    KvTables.table(out, metadata);
    return ExitCodes.OK;
  }
}
