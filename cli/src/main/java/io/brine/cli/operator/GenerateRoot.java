package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.vault.TokenOtp;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine operator generate-root}: a new root token from a quorum of shares, as {@code bao
 * operator generate-root}. The master returns it XORed with a one-time pad that only the operator
 * who started the attempt saw; {@code --decode} undoes that locally.
 */
@Command(
    name = "generate-root",
    mixinStandardHelpOptions = true,
    description = {
      "Make a new root token with a quorum of unseal (or recovery) key shares.",
      "  brine operator generate-root --init         prints the nonce and the OTP",
      "  brine operator generate-root --nonce <n>    once per share (asks for it)",
      "  brine operator generate-root --decode <encoded> --otp <otp>",
      "Needs a token, like the other quorum operations."
    })
final class GenerateRoot extends OperatorCommand {
  private static final String ATTEMPT = "/v1/sys/generate-root-token/attempt";
  private static final String UPDATE = "/v1/sys/generate-root-token/update";

  @Option(names = "--init", description = "Start an attempt; prints the one-time pad (OTP).")
  boolean init;

  @Option(names = "--status", description = "Show the attempt in progress.")
  boolean status;

  @Option(names = "--cancel", description = "Cancel the attempt in progress.")
  boolean cancel;

  @Option(
      names = "--nonce",
      paramLabel = "<nonce>",
      description = "Give one share to the attempt with this nonce.")
  String nonce;

  @Option(
      names = "--decode",
      paramLabel = "<encoded>",
      description = "Decode an encoded token with --otp; talks to no master.")
  String decode;

  @Option(
      names = "--otp",
      paramLabel = "<otp>",
      description = "The OTP from --init: with --decode, or with --nonce to decode at completion.")
  String otp;

  @Parameters(
      arity = "0..1",
      paramLabel = "<key>",
      description = "With --nonce: a share. Leave it out to be asked without echo.")
  String key;

  @Override
  protected int run(OperatorClient api, Output output) {
    checkOneMode();
    if (cancel) {
      api.delete(ATTEMPT);
      if (output.isTable()) {
        output.line("Success! Root token generation canceled (if one was started).");
      }
      return ExitCodes.OK;
    }
    if (status) {
      return printStatus(data(api.get(ATTEMPT)), output);
    }
    if (init) {
      JsonNode started = data(api.put(ATTEMPT, null));
      printStatus(started, output);
      if (output.isTable()) {
        output.line("");
        output.line(
            "Keep the OTP: it is shown only now, and without it the new root token cannot be");
        output.line(
            "decoded ('brine operator generate-root --decode <encoded token> --otp <otp>').");
      }
      return ExitCodes.OK;
    }
    String share = shareOrPrompt(key, "Key (will be hidden): ");
    JsonNode answer = data(api.put(UPDATE, Map.of("key", share, "nonce", nonce)));
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    String encoded = text(answer, "encoded_token");
    if (!answer.path("complete").asBoolean(false) || encoded.isEmpty()) {
      return printStatus(answer, output);
    }
    Table table = Table.plain().row("Encoded Token", encoded);
    if (otp != null) {
      table.row("Root Token", decode(encoded, otp));
    }
    output.table(table);
    if (otp == null) {
      output.line("");
      output.line("Decode it with: brine operator generate-root --decode <encoded> --otp <otp>");
    }
    return ExitCodes.OK;
  }

  /** {@code --decode} never needs the master, so it runs before any connection is made. */
  @Override
  boolean offline() {
    return decode != null;
  }

  @Override
  int runOffline(Output output) {
    checkOneMode();
    if (otp == null) {
      throw usage("--decode needs --otp");
    }
    String token = decode(decode, otp);
    if (output.isTable()) {
      output.line(token);
    } else {
      output.answer(Output.object("token", token));
    }
    return ExitCodes.OK;
  }

  private void checkOneMode() {
    int modes =
        (init ? 1 : 0)
            + (status ? 1 : 0)
            + (cancel ? 1 : 0)
            + (nonce != null ? 1 : 0)
            + (decode != null ? 1 : 0);
    if (modes != 1) {
      throw usage("give exactly one of --init, --status, --cancel, --nonce or --decode");
    }
    if (key != null && nonce == null) {
      throw usage("a key goes with --nonce");
    }
    if (otp != null && nonce == null && decode == null) {
      throw usage("--otp goes with --decode or --nonce");
    }
  }

  private static String decode(String encoded, String otp) {
    try {
      return TokenOtp.decode(encoded.strip(), otp.strip());
    } catch (IllegalArgumentException e) {
      // Base64's own message quotes the offending character; ours says what to check.
      throw new CliException(
          "cannot decode the token: check that the encoded token is the one printed at completion"
              + " and the OTP the one printed by --init",
          e);
    }
  }

  private static int printStatus(JsonNode status, Output output) {
    if (!output.isTable()) {
      output.answer(status);
      return ExitCodes.OK;
    }
    Table table =
        Table.withHeading()
            .row("Nonce", text(status, "nonce").isEmpty() ? "n/a" : text(status, "nonce"))
            .row("Started", status.path("started").asBoolean(false))
            .row(
                "Progress", status.path("progress").asInt() + "/" + status.path("required").asInt())
            .row("Complete", status.path("complete").asBoolean(false));
    if (!text(status, "otp").isEmpty()) {
      table.row("OTP", text(status, "otp"));
    }
    if (status.path("otp_length").asInt() > 0) {
      table.row("OTP Length", status.path("otp_length").asInt());
    }
    output.table(table);
    return ExitCodes.OK;
  }
}
