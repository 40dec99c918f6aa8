package io.brine.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.ExitCodes;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.vault.testing.SoftHsm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PKCS#11 auto-unseal with a real SoftHSM token: {@code hsm-create-key} makes the key the config
 * names, the master unseals itself with it, and init hands out recovery keys.
 */
class HsmOperatorTest {
  @TempDir Path dir;

  private final Cli cli = new Cli();
  private MasterProcess master;

  @AfterEach
  void stopMaster() {
    if (master != null) {
      master.close();
    }
  }

  @Test
  void hsmCreateKeyThenInit_givesRecoveryKeysAndAnUnsealedVault() throws IOException {
    SoftHsm hsm = SoftHsm.get();
    String seal =
        "  seal:\n"
            + "    type: pkcs11\n"
            + "    lib: "
            + hsm.library()
            + "\n"
            + "    token_label: "
            + SoftHsm.TOKEN_1
            + "\n"
            + "    pin_file: "
            + hsm.pinFile()
            + "\n"
            + "    key_label: "
            + hsm.newKeyLabel("cli")
            + "\n";
    Path config = writeConfig(seal);

    Result created = cli.run("operator", "hsm-create-key", "-c", config.toString());
    Result again = cli.run("operator", "hsm-create-key", "-c", config.toString());

    assertThat(created.exitCode()).as(created.toString()).isEqualTo(ExitCodes.OK);
    assertThat(created.out()).startsWith("Success! Created AES-256 key 'cli-");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(again.err().lines()).hasSize(1);
    assertThat(again.err()).contains("refusing to replace it");

    master = MasterProcess.startWithConfig(config);
    cli.env("BRINE_ADDR", master.address());
    Result wrongOptions = cli.run("operator", "init", "--key-shares", "3");
    Result init =
        cli.run("operator", "init", "--recovery-shares", "3", "--recovery-threshold", "2");
    Result status = cli.run("operator", "status");

    assertThat(wrongOptions.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(wrongOptions.err())
        .as(wrongOptions.toString())
        .startsWith("Error: --key-shares does not apply to this vault's pkcs11 seal");
    assertThat(init.exitCode()).as(init.toString()).isEqualTo(ExitCodes.OK);
    assertThat(Shares.keys(init, "Recovery Key")).as(init.toString()).hasSize(3);
    assertThat(Shares.keys(init, "Unseal Key")).isEmpty();
    assertThat(init.out()).contains("Recovery keys never unseal the vault on their own");
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCodes.OK);
    assertThat(Shares.value(status, "Seal Type")).isEqualTo("pkcs11");
    assertThat(Shares.value(status, "Recovery Seal")).isEqualTo("true");
  }

  private Path writeConfig(String seal) throws IOException {
    return Files.writeString(
        dir.resolve("master.yaml"),
        "pki_dir: "
            + dir.resolve("pki")
            + "\n"
            + "keysize: 2048\n"
            + "interface: 127.0.0.1\n"
            + "ret_port: 0\n"
            + "vault:\n"
            + "  storage_dir: "
            + dir.resolve("vault")
            + "\n"
            + "  api_addr: 127.0.0.1:0\n"
            + seal);
  }
}
