package io.brine.cli.audit;

import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.OperatorCommand;
import io.brine.cli.operator.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code brine audit disable PATH}: {@code DELETE /v1/sys/audit/<path>}. As OpenBao, disabling a
 * path where no device is enabled succeeds. The file stays on disk; its salt is dropped, so its
 * HMACs can no longer be matched through sys/audit-hash.
 */
@Command(
    name = "disable",
    mixinStandardHelpOptions = true,
    description = {"Disable the audit device at PATH.", "  brine audit disable file/"})
final class AuditDisable extends OperatorCommand {
  @Parameters(index = "0", paramLabel = "PATH", description = "The device's path, e.g. file/.")
  String path;

  @Override
  protected int run(OperatorClient api, Output output) {
    String mount = AuditPath.normalize(path);
    if (mount == null) {
      throw usage("PATH must name one audit device, not " + path);
    }
    api.delete(AuditPath.api(mount));
    if (output.isTable()) {
      output.line("Success! Disabled audit device (if it was enabled) at: " + mount);
    }
    return ExitCodes.OK;
  }
}
