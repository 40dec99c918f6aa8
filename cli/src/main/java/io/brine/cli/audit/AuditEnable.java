package io.brine.cli.audit;

import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.OperatorCommand;
import io.brine.cli.operator.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine audit enable [-path=P] [-description=D] TYPE [KEY=VALUE ...]}: {@code PUT
 * /v1/sys/audit/<path>} with {@code {type, description, options}}, as bao sends it. The path
 * defaults to the type. The master refuses it unless its config has {@code
 * unsafe_allow_api_audit_creation: true} (devices are meant to be declared in the config).
 */
@Command(
    name = "enable",
    mixinStandardHelpOptions = true,
    description = {
      "Enable an audit device; its options follow the type as KEY=VALUE.",
      "  brine audit enable file file_path=/var/log/brine_audit.log",
      "  brine audit enable -path=ops -description='ops trail' file file_path=/var/log/ops.log"
    })
final class AuditEnable extends OperatorCommand {
  @Option(
      names = {"-path", "--path"},
      paramLabel = "<path>",
      description = "Where the device is mounted (default: its type), unique among devices.")
  String path;

  @Option(
      names = {"-description", "--description"},
      paramLabel = "<text>",
      description = "What the device is for, shown by brine audit list.")
  String description = "";

  @Option(
      names = {"-local", "--local"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "bao's local-only device; brine has one node, so the master refuses it.")
  boolean local;

  @Parameters(index = "0", paramLabel = "TYPE", description = "The device's type: file.")
  String type;

  @Parameters(
      index = "1..*",
      paramLabel = "KEY=VALUE",
      description = "The device's options, e.g. file_path=/var/log/brine_audit.log.")
  List<String> options = new ArrayList<>();

  @Override
  protected int run(OperatorClient api, Output output) {
    String kind = type.strip();
    if (kind.isEmpty()) {
      throw usage("audit type missing; brine has the file device");
    }
    String mount = AuditPath.normalize(path == null || path.isBlank() ? kind : path);
    if (mount == null) {
      throw usage("-path must name one segment, not " + path);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", kind);
    body.put("description", description);
    body.put("options", options());
    if (local) {
      body.put("local", true);
    }
    api.put(AuditPath.api(mount), body);
    if (output.isTable()) {
      output.line("Success! Enabled the " + kind + " audit device at: " + mount);
    }
    return ExitCodes.OK;
  }

  /** KEY=VALUE pairs in order; the value may hold '=' and may be empty, the key may not. */
  private Map<String, String> options() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : options) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw usage("options are KEY=VALUE, not " + pair);
      }
      String key = pair.substring(0, eq).strip();
      if (key.isEmpty()) {
        throw usage("options are KEY=VALUE, not " + pair);
      }
      if (out.put(key, pair.substring(eq + 1)) != null) {
        throw usage("option " + key + " is given twice");
      }
    }
    return out;
  }
}
