package io.brine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures that need no running master: each is one "Error:" line and exit 1, never a trace. */
class CommandLineErrorsTest {
  private final Cli cli = new Cli();

  @TempDir Path dir;

  @Test
  void status_masterNotListening_oneLineErrorExitOne() throws IOException {
    String address = "http://127.0.0.1:" + closedPort();

    Result result = cli.run("operator", "status", "--address", address);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines())
        .as(result.toString())
        .singleElement(STRING)
        .startsWith("Error: cannot reach brine master at " + address + ": ")
        .containsIgnoringCase("refused");
  }

  @Test
  void status_addressFromEnvironment_isUsed() throws IOException {
    String address = "http://127.0.0.1:" + closedPort();
    cli.env("BRINE_ADDR", address);

    Result result = cli.run("operator", "status");

    assertThat(result.err()).as(result.toString()).contains("at " + address + ":");
  }

  @Test
  void status_addressNotAUrl_saysWhatItShouldBe() {
    Result result = cli.run("operator", "status", "--address", "127.0.0.1:8200");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .as(result.toString())
        .isEqualTo(
            "Error: the address 127.0.0.1:8200 is not of the form http(s)://host:port"
                + " (e.g. http://127.0.0.1:8200)"
                + System.lineSeparator());
  }

  @Test
  void tlsCa_withPlainHttpAddress_isRefused() throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not used");

    Result result =
        cli.run(
            "operator", "status", "--address", "http://127.0.0.1:8200", "--tls-ca", ca.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).as(result.toString()).contains("--tls-ca applies to an https address");
  }

  @Test
  void tlsCa_notPem_saysSo() throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "hello");

    Result result =
        cli.run(
            "operator", "status", "--address", "https://127.0.0.1:8200", "--tls-ca", ca.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).as(result.toString()).startsWith("Error: cannot read the CA file");
  }

  @Test
  void unknownOption_usageErrorExitsOneWithHint() {
    Result result = cli.run("operator", "status", "--adress=http://127.0.0.1:1");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .as(result.toString())
        .startsWith("Error: unknown option --adress (")
        .contains("Possible solutions: --address")
        .contains("Try 'brine operator status --help' for usage.")
        .doesNotContain("\tat ");
  }

  @Test
  void unknownCommand_suggestsTheRightOne() {
    Result result = cli.run("operater", "status");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .as(result.toString())
        .contains("operator")
        .contains("Try 'brine --help'");
  }

  @Test
  void operatorWithoutSubcommand_isAUsageError() {
    Result result = cli.run("operator");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).as(result.toString()).startsWith("Error: Missing required subcommand");
  }

  @Test
  void unseal_extraArguments_areNotEchoed() {
    Result result = cli.run("operator", "unseal", "share-one", "share-two");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .as(result.toString())
        .startsWith("Error: too many arguments")
        .doesNotContain("share-one")
        .doesNotContain("share-two");
  }

  @Test
  void mistypedTokenOption_valueIsNotEchoed() {
    Result result = cli.run("operator", "seal", "--tokne", "s.very-secret");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .as(result.toString())
        .startsWith("Error: unknown option --tokne (")
        .contains("--token")
        .doesNotContain("very-secret");
  }

  @Test
  void rekey_withoutMode_isAUsageError() {
    Result result = cli.run("operator", "rekey", "--address", "http://127.0.0.1:1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .as(result.toString())
        .startsWith("Error: give exactly one of --init, --status, --cancel or --nonce");
  }

  @Test
  void generateRootDecode_withoutOtp_isAUsageError() {
    Result result = cli.run("operator", "generate-root", "--decode", "AAAA");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).as(result.toString()).startsWith("Error: --decode needs --otp");
  }

  @Test
  void generateRootDecode_otpOfAnotherLength_oneLineError() {
    Result result = cli.run("operator", "generate-root", "--decode", "AAAA", "--otp", "abcdef");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err().lines()).as(result.toString()).hasSize(1);
    assertThat(result.err()).startsWith("Error: cannot decode the token");
  }

  @Test
  void master_missingConfig_oneLineError() {
    Path missing = dir.resolve("nope.yaml");

    Result result = cli.run("master", "-c", missing.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .as(result.toString())
        .isEqualTo("Error: " + missing + ": no such config file" + System.lineSeparator());
  }

  @Test
  void hsmCreateKey_shamirConfig_isRefused() throws IOException {
    Path config =
        Files.writeString(
            dir.resolve("master.yaml"), "pki_dir: pki\nvault:\n  storage_dir: vault\n");

    Result result = cli.run("operator", "hsm-create-key", "-c", config.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err()).as(result.toString()).contains("is not of type pkcs11");
  }

  @Test
  void version_printsTheProjectVersion() {
    Result result = cli.run("--version");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).startsWith("brine ").doesNotContain("${").doesNotContain("unknown");
    // This machine kind loads ACCP: the default choice says so.
    assertThat(result.out()).contains("\ncrypto AWS-LC (Amazon Corretto Crypto Provider 2.5.");
  }

  @Test
  void help_listsTheOperatorCommands() {
    Result result = cli.run("operator", "--help");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains(
            "init",
            "unseal",
            "seal",
            "status",
            "rekey",
            "rotate",
            "generate-root",
            "migrate",
            "hsm-create-key");
  }

  /** A port nothing listens on: bound, then released. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
