package io.brine.cli.token;

import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.OperatorCommand;
import io.brine.cli.operator.Output;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine token revoke}: {@code PUT /v1/auth/token/revoke} (the token and all its
 * descendants), {@code PUT /v1/auth/token/revoke-orphan} with {@code -mode=orphan} (its children
 * become orphans), {@code POST /v1/auth/token/revoke-accessor} with {@code -accessor}, {@code PUT
 * /v1/auth/token/revoke-self} with {@code -self}. As bao, revoking an unknown token succeeds.
 */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = {
      "Revoke a token and all the tokens it created.",
      "  brine token revoke TOKEN | -accessor ACCESSOR | -self",
      "With -mode=orphan its children are kept, as orphans (needs root or sudo)."
    })
final class TokenRevoke extends OperatorCommand {
  @Option(
      names = {"-self", "--self"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "Revoke the calling token (BRINE_TOKEN).")
  boolean self;

  @Option(
      names = {"-accessor", "--accessor"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "The argument is an accessor, not a token.")
  boolean accessor;

  @Option(
      names = {"-mode", "--mode"},
      paramLabel = "<mode>",
      description = "orphan: revoke only this token; its children become orphans.")
  String mode;

  @Parameters(
      arity = "0..1",
      paramLabel = "TOKEN|ACCESSOR",
      description = "The token (or with -accessor, the accessor) to revoke.")
  String argument;

  @Override
  protected int run(OperatorClient api, Output output) {
    String target = argument == null ? null : argument.strip();
    boolean orphan = checkMode();
    if (self) {
      if (accessor || mode != null) {
        throw usage("-self goes with neither -accessor nor -mode");
      }
      if (target != null) {
        throw usage("-self takes no argument: it revokes the calling token");
      }
      api.put("/v1/auth/token/revoke-self", null);
    } else if (target == null || target.isEmpty()) {
      throw usage("give the token (or with -accessor, the accessor) to revoke, or -self");
    } else if (accessor) {
      if (orphan) {
        throw usage("-mode=orphan needs the token itself, not its accessor");
      }
      api.post("/v1/auth/token/revoke-accessor", Map.of("accessor", target));
    } else if (orphan) {
      api.put("/v1/auth/token/revoke-orphan", Map.of("token", target));
    } else {
      api.put("/v1/auth/token/revoke", Map.of("token", target));
    }
    if (output.isTable()) {
      output.line("Success! Revoked token (if it existed)");
    }
    return ExitCodes.OK;
  }

  /** True for -mode=orphan; bao's other mode, path, revokes leases, which brine has none of. */
  private boolean checkMode() {
    if (mode == null || mode.isEmpty()) {
      return false;
    }
    if (mode.equals("orphan")) {
      return true;
    }
    if (mode.equals("path")) {
      throw usage("-mode=path revokes tokens by lease prefix, and brine has no leases");
    }
    throw usage("-mode is orphan (or left out), not " + mode);
  }
}
