package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.Output;
import io.brine.cli.token.DurationFlag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine kv metadata put PATH}: {@code PUT /v1/secret/metadata/PATH} with the settings
 * given and no others, so one flag changes one setting.
 */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = {
      "Change a secret's settings (it need not have data yet).",
      "  brine kv metadata put -max-versions=5 -cas-required -mount=secret db/prod"
    })
final class KvMetadataPut extends KvPathCommand {
  @Option(
      names = {"-max-versions", "--max-versions"},
      paramLabel = "<n>",
      description = "Versions to keep; the oldest go beyond (0: the engine's setting).")
  Integer maxVersions;

  @Option(
      names = {"-cas-required", "--cas-required"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "Every write must give -cas.")
  Boolean casRequired;

  @Option(
      names = {"-delete-version-after", "--delete-version-after"},
      paramLabel = "<duration>",
      converter = DurationFlag.class,
      description = "Soft-delete each version this long after it is written (0s: never).")
  Duration deleteVersionAfter;

  @Option(
      names = {"-custom-metadata", "--custom-metadata"},
      paramLabel = "<key=value>",
      description = "A custom metadata pair; repeat the flag for more. Not for secrets.")
  Map<String, String> customMetadata = new LinkedHashMap<>();

  @Parameters(paramLabel = "PATH", description = "The secret's path.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(KvApi api, Output output) {
    String typed = onePath(arguments);
    Map<String, Object> body = new LinkedHashMap<>();
    if (maxVersions != null) {
      if (maxVersions < 0) {
        throw new CliException("-max-versions is 0 or more, not " + maxVersions);
      }
      body.put("max_versions", maxVersions);
    }
    if (deleteVersionAfter != null) {
      body.put("delete_version_after", DurationFlag.wire(deleteVersionAfter));
    }
    if (casRequired != null) {
      body.put("cas_required", casRequired);
    }
    if (!customMetadata.isEmpty()) {
      body.put("custom_metadata", customMetadata);
    }
    KvPath path = resolve(api, typed);
    String shown = path.shown("metadata");
    JsonNode answer = api.put("writing data to " + shown, path.api("metadata"), body);
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    warnings(answer);
    output.line("Success! Data written to: " + shown);
    return ExitCodes.OK;
  }
}
