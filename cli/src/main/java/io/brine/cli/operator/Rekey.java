package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine operator rekey}: new shares (and, under Shamir, a new root key) from a quorum of the
 * current ones, over {@code /v1/sys/rotate/root/*} or {@code /v1/sys/rotate/recovery/*}. One mode
 * per call: start, give a share, show the status, or cancel.
 */
@Command(
    name = "rekey",
    mixinStandardHelpOptions = true,
    description = {
      "Replace the unseal (or recovery) key shares, with a quorum of the current ones.",
      "  brine operator rekey --init --key-shares 5 --key-threshold 3",
      "  brine operator rekey --nonce <nonce>    once per current share (asks for it)",
      "Needs a root token. Under PKCS#11, --target root rotates the root key only",
      "(with recovery shares); --target recovery replaces the recovery shares."
    })
final class Rekey extends OperatorCommand {
  enum Target {
    ROOT,
    RECOVERY
  }

  @Option(names = "--init", description = "Start a rekey.")
  boolean init;

  @Option(names = "--status", description = "Show the rekey in progress.")
  boolean status;

  @Option(
      names = "--cancel",
      description = "Cancel the rekey in progress; the current shares stay valid.")
  boolean cancel;

  @Option(
      names = "--nonce",
      paramLabel = "<nonce>",
      description = "Give one current share to the rekey with this nonce (from --init).")
  String nonce;

  @Parameters(
      arity = "0..1",
      paramLabel = "<key>",
      description = "With --nonce: a current share. Leave it out to be asked without echo.")
  String key;

  @Option(
      names = "--key-shares",
      paramLabel = "<n>",
      defaultValue = "5",
      description = "With --init: shares to make (default 5).")
  int keyShares;

  @Option(
      names = "--key-threshold",
      paramLabel = "<t>",
      defaultValue = "3",
      description = "With --init: shares needed (default 3).")
  int keyThreshold;

  @Option(
      names = "--target",
      paramLabel = "<target>",
      defaultValue = "root",
      description = "root (default: the unseal keys) or recovery (the recovery keys).")
  Target target;

  @Override
  protected int run(OperatorClient api, Output output) {
    checkOneMode();
    String base = target == Target.ROOT ? "/v1/sys/rotate/root" : "/v1/sys/rotate/recovery";
    if (cancel) {
      api.delete(base + "/init");
      if (output.isTable()) {
        output.line("Success! Rekey canceled (if one was started); the current shares stay valid.");
      }
      return ExitCodes.OK;
    }
    if (status) {
      return printStatus(data(api.get(base + "/init")), output);
    }
    if (init) {
      return printStatus(
          data(
              api.put(
                  base + "/init",
                  Map.of("secret_shares", keyShares, "secret_threshold", keyThreshold))),
          output);
    }
    String share = shareOrPrompt(key, "Key (will be hidden): ");
    JsonNode answer = data(api.put(base + "/update", Map.of("key", share, "nonce", nonce)));
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    if (!answer.path("complete").asBoolean(false)) {
      return printStatus(answer, output);
    }
    printCompleted(answer, output.out());
    return ExitCodes.OK;
  }

  private void checkOneMode() {
    int modes = (init ? 1 : 0) + (status ? 1 : 0) + (cancel ? 1 : 0) + (nonce != null ? 1 : 0);
    if (modes != 1) {
      throw usage("give exactly one of --init, --status, --cancel or --nonce");
    }
    if (key != null && nonce == null) {
      throw usage("a key goes with --nonce");
    }
    if (!init && (given("--key-shares") || given("--key-threshold"))) {
      throw usage("--key-shares and --key-threshold go with --init");
    }
  }

  private static int printStatus(JsonNode status, Output output) {
    if (!output.isTable()) {
      output.answer(status);
      return ExitCodes.OK;
    }
    int required = status.path("required").asInt();
    output.table(
        Table.withHeading()
            .row("Nonce", text(status, "nonce").isEmpty() ? "n/a" : text(status, "nonce"))
            .row("Started", status.path("started").asBoolean(false))
            .row("Rekey Progress", status.path("progress").asInt() + "/" + required)
            .row("New Shares", status.path("n").asInt())
            .row("New Threshold", status.path("t").asInt()));
    return ExitCodes.OK;
  }

  private void printCompleted(JsonNode answer, PrintWriter out) {
    String label = target == Target.ROOT ? "Unseal Key" : "Recovery Key";
    int shares = Init.printKeys(answer.path("keys"), label, out);
    if (shares == 0) {
      // PKCS#11 seal, target root: the root key was rotated and the recovery shares stand.
      out.println("Success! Rotated the root key; the recovery key shares did not change.");
      return;
    }
    out.println();
    out.println("Operation nonce: " + text(answer, "nonce"));
    out.println();
    String what = target == Target.ROOT ? "unseal key shares" : "recovery key shares";
    out.printf(
        "Vault rekeyed with %d new %s; the old shares no longer work.%n"
            + "The new shares are shown this once and brine keeps no copy: give each to a%n"
            + "different operator and keep them apart.%n",
        shares, what);
  }
}
