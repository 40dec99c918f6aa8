package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brine operator init}: the only time the shares and the root token are shown. Asks the
 * master for its seal type first, because Shamir takes {@code secret_*} and PKCS#11 takes {@code
 * recovery_*}, and the other pair is a 400.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Initialize the vault and print its key shares and initial root token, once.",
      "A Shamir vault stays sealed; a PKCS#11 vault comes back unsealed, with",
      "recovery keys instead of unseal keys."
    })
final class Init extends OperatorCommand {
  @Option(
      names = "--key-shares",
      paramLabel = "<n>",
      defaultValue = "5",
      description = "Unseal key shares to make (Shamir seal; default 5).")
  int keyShares;

  @Option(
      names = "--key-threshold",
      paramLabel = "<t>",
      defaultValue = "3",
      description = "Shares needed to unseal (Shamir seal; default 3).")
  int keyThreshold;

  @Option(
      names = "--recovery-shares",
      paramLabel = "<n>",
      defaultValue = "5",
      description = "Recovery key shares to make (PKCS#11 seal; default 5, 0 for none).")
  int recoveryShares;

  @Option(
      names = "--recovery-threshold",
      paramLabel = "<t>",
      defaultValue = "3",
      description = "Recovery shares needed for quorum operations (PKCS#11 seal; default 3).")
  int recoveryThreshold;

  @Override
  protected int run(OperatorClient api, Output output) {
    String sealType = text(api.get("/v1/sys/seal-status"), "type");
    boolean hsm = "pkcs11".equals(sealType);
    Map<String, Object> body;
    if (hsm) {
      refuse(
          "--key-shares",
          "--key-threshold",
          sealType,
          "--recovery-shares and --recovery-threshold");
      body = Map.of("recovery_shares", recoveryShares, "recovery_threshold", recoveryThreshold);
    } else {
      refuse(
          "--recovery-shares",
          "--recovery-threshold",
          sealType,
          "--key-shares and --key-threshold");
      body = Map.of("secret_shares", keyShares, "secret_threshold", keyThreshold);
    }
    JsonNode answer = api.put("/v1/sys/init", body);
    if (text(answer, "root_token").isEmpty()) {
      throw unexpected("root_token");
    }
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    if (hsm) {
      printRecovery(answer, output.out());
    } else {
      printShamir(answer, output.out());
    }
    return ExitCodes.OK;
  }

  /** The options of the other seal would be ignored by nobody: the master answers 400. */
  private void refuse(String shares, String threshold, String sealType, String instead) {
    for (String option : new String[] {shares, threshold}) {
      if (given(option)) {
        throw usage(
            option + " does not apply to this vault's " + sealType + " seal; use " + instead);
      }
    }
  }

  private void printShamir(JsonNode answer, PrintWriter out) {
    int shares = printKeys(answer.path("keys"), "Unseal Key", out);
    printRootToken(answer, out);
    out.println();
    out.printf(
        "Vault initialized with %d key shares and a key threshold of %d. The shares%n"
            + "above are shown this once and brine keeps no copy: give each to a different%n"
            + "operator and keep them apart, since any %d of them open the vault.%n%n"
            + "The vault is sealed. Unseal it by running 'brine operator unseal' %d times,%n"
            + "each time with a different share.%n",
        shares, keyThreshold, keyThreshold, keyThreshold);
  }

  private void printRecovery(JsonNode answer, PrintWriter out) {
    int shares = printKeys(answer.path("recovery_keys"), "Recovery Key", out);
    printRootToken(answer, out);
    out.println();
    if (shares == 0) {
      out.printf(
          "Vault initialized and unsealed by the HSM, without recovery keys. After a%n"
              + "manual seal it can only be unsealed by restarting the master.%n");
      return;
    }
    out.printf(
        "Vault initialized with %d recovery key shares and a recovery threshold of %d,%n"
            + "and unsealed by the HSM. Recovery keys never unseal the vault on their own:%n"
            + "the HSM holds the key that does. Any %d of them authorize rekey and%n"
            + "generate-root, and unseal the vault after a manual seal, with the HSM%n"
            + "reachable.%n%n"
            + "The recovery keys are shown this once and brine keeps no copy: give each to%n"
            + "a different operator and keep them apart.%n",
        shares, recoveryThreshold, recoveryThreshold);
  }

  /** Prints "<label> 1: <hex>" ...; returns how many. */
  static int printKeys(JsonNode keys, String label, PrintWriter out) {
    int n = 0;
    for (JsonNode key : keys) {
      out.println(label + " " + ++n + ": " + key.asText());
    }
    return n;
  }

  private static void printRootToken(JsonNode answer, PrintWriter out) {
    out.println();
    out.println("Initial Root Token: " + text(answer, "root_token"));
  }
}
