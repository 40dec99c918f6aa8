package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.Output;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine kv get PATH}: {@code GET /v1/secret/data/PATH[?version=N]}, printed as bao prints
 * it: the path, the version's metadata, the data. Without the standard {@code --version} option,
 * which is bao's {@code -version} here.
 */
@Command(
    name = "get",
    description = {
      "Read a secret: its current version, or -version=N.",
      "  brine kv get -mount=secret db/prod",
      "  PASSWORD=$(brine kv get -field=password secret/db/prod)"
    })
final class KvGet extends KvPathCommand {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = {"-version", "--version"},
      paramLabel = "<n>",
      description = "The version to read (default: the current one).")
  int version;

  @Mixin KvField field;

  @Parameters(paramLabel = "PATH", description = "The secret's path.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(KvApi api, Output output) {
    String typed = onePath(arguments);
    if (version < 0) {
      throw new CliException("-version is a version number, 1 or more (0: the current one)");
    }
    KvPath path = resolve(api, typed);
    String shown = path.shown("data");
    String url = path.api("data") + (version > 0 ? "?version=" + version : "");
    JsonNode answer = api.getOrNull("reading " + shown, url);
    if (answer == null) {
      throw new KvServerError("No value found at " + shown);
    }
    JsonNode secret = answer.path("data");
    JsonNode data = secret.path("data");
    if (field.name != null) {
      if (!data.isObject()) {
        throw new KvServerError("No data found at " + shown);
      }
      // As bao: -field=data is the key "data" when the secret has one, else the whole data.
      boolean whole = field.name.equals("data") && !data.has("data");
      return printField(whole ? secret : data, field.name, output);
    }
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    warnings(answer);
    PrintWriter out = output.out();
    KvTables.path(out, "Secret Path", shown);
    JsonNode metadata = secret.path("metadata");
    if (metadata.isObject()) {
      out.println(KvTables.headerFor("Metadata", metadata));
      KvTables.table(out, metadata);
      out.println();
    }
    if (data.isObject()) {
      out.println(KvTables.headerFor("Data", data));
      KvTables.table(out, data);
    }
    return ExitCodes.OK;
  }
}
