package io.brine.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.brine.cli.ExitCodes;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine operator} against a real master in a child JVM, over real HTTP, with a Shamir seal.
 * The commands run in this JVM; BRINE_ADDR and BRINE_TOKEN come through the CLI's environment.
 */
class ShamirOperatorTest {
  @TempDir Path dir;

  private final Cli cli = new Cli();
  private MasterProcess master;

  @BeforeEach
  void startMaster() {
    master = MasterProcess.start(dir);
    cli.env("BRINE_ADDR", master.address());
  }

  @AfterEach
  void stopMaster() {
    master.close();
  }

  @Test
  void initThenUnsealByParts_printsSharesAndProgress_statusExitCodeFollows() {
    Result init = cli.run("operator", "init");

    assertThat(init.exitCode()).as(init.toString()).isEqualTo(ExitCodes.OK);
    List<String> keys = Shares.keys(init, "Unseal Key");
    assertThat(keys).as(init.toString()).hasSize(5).allSatisfy(key -> assertThat(key).hasSize(66));
    assertThat(Shares.rootToken(init)).isNotBlank();
    assertThat(init.out())
        .contains("5 key shares and a key threshold of 3")
        .contains("'brine operator unseal' 3 times");
    assertThat(init.err()).isEmpty();

    Result again = cli.run("operator", "init", "--key-shares", "1", "--key-threshold", "1");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(again.err())
        .as(again.toString())
        .isEqualTo(
            "Error: PUT /v1/sys/init: 400 Vault is already initialized" + System.lineSeparator());

    Result sealed = cli.run("operator", "status");
    assertThat(sealed.exitCode()).as(sealed.toString()).isEqualTo(ExitCodes.SEALED);
    assertThat(Shares.value(sealed, "Initialized")).isEqualTo("true");
    assertThat(Shares.value(sealed, "Sealed")).isEqualTo("true");
    assertThat(Shares.value(sealed, "Seal Type")).isEqualTo("shamir");
    assertThat(Shares.value(sealed, "Total Shares")).isEqualTo("5");
    assertThat(Shares.value(sealed, "Unseal Progress")).isEqualTo("0/3");

    Result first = cli.run("operator", "unseal", keys.get(0));
    Result second = cli.run("operator", "unseal", keys.get(3));
    Result third = cli.run("operator", "unseal", keys.get(4));

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
    assertThat(Shares.value(first, "Unseal Progress")).isEqualTo("1/3");
    assertThat(Shares.value(first, "Sealed")).isEqualTo("true");
    assertThat(Shares.value(second, "Unseal Progress")).as(second.toString()).isEqualTo("2/3");
    assertThat(Shares.value(second, "Unseal Nonce")).isEqualTo(Shares.value(first, "Unseal Nonce"));
    assertThat(third.exitCode()).as(third.toString()).isEqualTo(ExitCodes.OK);
    assertThat(Shares.value(third, "Sealed")).isEqualTo("false");
    assertThat(third.out()).doesNotContain("Unseal Progress");

    Result unsealed = cli.run("operator", "status");
    assertThat(unsealed.exitCode()).as(unsealed.toString()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void unseal_withoutArgument_readsOneLineOfStdin_resetDiscardsIt() {
    List<String> keys = Shares.keys(cli.run("operator", "init"), "Unseal Key");

    Result piped = cli.runWithStdin(keys.get(1) + "\n", "operator", "unseal");
    Result empty = cli.runWithStdin("", "operator", "unseal");
    Result reset = cli.run("operator", "unseal", "--reset");

    assertThat(piped.exitCode()).as(piped.toString()).isEqualTo(ExitCodes.OK);
    assertThat(Shares.value(piped, "Unseal Progress")).isEqualTo("1/3");
    assertThat(piped.out() + piped.err()).doesNotContain(keys.get(1));
    assertThat(empty.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(empty.err()).as(empty.toString()).startsWith("Error: no key given");
    // The reset discards this host's shares (a stranger's could not discard them).
    assertThat(Shares.value(reset, "Unseal Progress")).as(reset.toString()).isEqualTo("0/3");
  }

  @Test
  void unseal_wrongMalformedOrMigratingShares_oneLineErrorsAndStillSealed() {
    List<String> keys = Shares.keys(cli.run("operator", "init"), "Unseal Key");
    byte[] stranger = new byte[33];
    new Random(7).nextBytes(stranger);

    cli.run("operator", "unseal", keys.get(0));
    cli.run("operator", "unseal", keys.get(1));
    Result wrong = cli.run("operator", "unseal", HexFormat.of().formatHex(stranger));
    Result malformed = cli.run("operator", "unseal", "not-a-share");
    Result migrate = cli.run("operator", "migrate", keys.get(0));

    assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(wrong.err().lines())
        .as(wrong.toString())
        .singleElement(STRING)
        .isEqualTo(
            "Error: PUT /v1/sys/unseal: 400 this key is not a share of this vault: refused, and"
                + " the progress is unchanged");
    assertThat(wrong.out()).isEmpty();
    assertThat(malformed.exitCode()).as(malformed.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(malformed.err())
        .startsWith("Error: PUT /v1/sys/unseal: 400 ")
        .doesNotContain("not-a-share");
    assertThat(migrate.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(migrate.err())
        .as(migrate.toString())
        .startsWith("Error: PUT /v1/sys/unseal: 400 ")
        .contains("no seal migration is pending");
    Result status = cli.run("operator", "status");
    assertThat(status.exitCode()).isEqualTo(ExitCodes.SEALED);
    assertThat(Shares.value(status, "Unseal Progress"))
        .as("the stranger's share did not count, the operators' two still do")
        .isEqualTo("2/3");
  }

  @Test
  void seal_withoutToken_isDenied_withTokenSeals() {
    Result init = cli.run("operator", "init");
    unseal(Shares.keys(init, "Unseal Key"));

    Result denied = cli.run("operator", "seal");
    assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(denied.err())
        .isEqualTo("Error: PUT /v1/sys/seal: 403 permission denied" + System.lineSeparator());

    cli.env("BRINE_TOKEN", Shares.rootToken(init));
    Result sealed = cli.run("operator", "seal");
    assertThat(sealed.exitCode()).as(sealed.toString()).isEqualTo(ExitCodes.OK);
    assertThat(sealed.out()).isEqualTo("Success! Vault is sealed." + System.lineSeparator());
    assertThat(cli.run("operator", "status").exitCode()).isEqualTo(ExitCodes.SEALED);
  }

  @Test
  void status_jsonAndYaml_printTheApiAnswer() throws Exception {
    cli.run("operator", "init");

    Result json = cli.run("operator", "status", "--format", "json");
    Result yaml = cli.run("operator", "status", "--format=yaml");

    assertThat(json.exitCode()).as(json.toString()).isEqualTo(ExitCodes.SEALED);
    JsonNode fromJson = new ObjectMapper().readTree(json.out());
    assertThat(fromJson.path("type").asText()).isEqualTo("shamir");
    assertThat(fromJson.path("sealed").asBoolean()).isTrue();
    assertThat(fromJson.path("t").asInt()).isEqualTo(3);
    assertThat(yaml.exitCode()).as(yaml.toString()).isEqualTo(ExitCodes.SEALED);
    assertThat(new YAMLMapper().readTree(yaml.out())).isEqualTo(fromJson);
  }

  @Test
  void rekey_fullFlow_newSharesReplaceTheOldOnes() {
    Result init = cli.run("operator", "init");
    List<String> old = Shares.keys(init, "Unseal Key");
    unseal(old);
    cli.env("BRINE_TOKEN", Shares.rootToken(init));

    Result started =
        cli.run("operator", "rekey", "--init", "--key-shares", "3", "--key-threshold", "2");
    assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
    String nonce = Shares.value(started, "Nonce");
    assertThat(Shares.value(started, "New Shares")).isEqualTo("3");
    assertThat(Shares.value(started, "Rekey Progress")).isEqualTo("0/3");

    Result one = cli.run("operator", "rekey", "--nonce", nonce, old.get(0));
    Result status = cli.run("operator", "rekey", "--status");
    Result two = cli.run("operator", "rekey", "--nonce", nonce, old.get(1));
    Result done = cli.runWithStdin(old.get(2) + "\n", "operator", "rekey", "--nonce", nonce);

    assertThat(Shares.value(one, "Rekey Progress")).as(one.toString()).isEqualTo("1/3");
    assertThat(Shares.value(status, "Rekey Progress")).as(status.toString()).isEqualTo("1/3");
    assertThat(Shares.value(two, "Rekey Progress")).as(two.toString()).isEqualTo("2/3");
    assertThat(done.exitCode()).as(done.toString()).isEqualTo(ExitCodes.OK);
    List<String> fresh = Shares.keys(done, "Unseal Key");
    assertThat(fresh).as(done.toString()).hasSize(3).doesNotContainAnyElementsOf(old);
    assertThat(done.out()).contains("the old shares no longer work");

    assertThat(cli.run("operator", "seal").exitCode()).isEqualTo(ExitCodes.OK);
    Result oldTwice = unsealWith(old.get(0), old.get(1));
    assertThat(oldTwice.exitCode()).as(oldTwice.toString()).isEqualTo(ExitCodes.ERROR);
    Result fresh2 = unsealWith(fresh.get(2), fresh.get(0));
    assertThat(Shares.value(fresh2, "Sealed")).as(fresh2.toString()).isEqualTo("false");

    cli.run("operator", "rekey", "--init");
    Result cancel = cli.run("operator", "rekey", "--cancel");
    Result afterCancel = cli.run("operator", "rekey", "--status", "--format", "json");
    assertThat(cancel.exitCode()).as(cancel.toString()).isEqualTo(ExitCodes.OK);
    assertThat(cancel.out()).startsWith("Success! Rekey canceled");
    assertThat(afterCancel.out()).as(afterCancel.toString()).contains("\"started\" : false");
  }

  @Test
  void generateRoot_fullFlow_decodesAWorkingToken() {
    Result init = cli.run("operator", "init");
    List<String> keys = Shares.keys(init, "Unseal Key");
    unseal(keys);
    cli.env("BRINE_TOKEN", Shares.rootToken(init));

    Result started = cli.run("operator", "generate-root", "--init");
    assertThat(started.exitCode()).as(started.toString()).isEqualTo(ExitCodes.OK);
    String nonce = Shares.value(started, "Nonce");
    String otp = Shares.value(started, "OTP");
    assertThat(started.out()).contains("Keep the OTP");
    assertThat(Shares.value(started, "OTP Length")).isEqualTo(String.valueOf(otp.length()));

    Result one = cli.run("operator", "generate-root", "--nonce", nonce, keys.get(4));
    Result two = cli.run("operator", "generate-root", "--nonce", nonce, keys.get(2));
    Result done = cli.run("operator", "generate-root", "--nonce", nonce, "--otp", otp, keys.get(0));

    assertThat(Shares.value(one, "Progress")).as(one.toString()).isEqualTo("1/3");
    assertThat(Shares.value(two, "Progress")).as(two.toString()).isEqualTo("2/3");
    assertThat(done.exitCode()).as(done.toString()).isEqualTo(ExitCodes.OK);
    String encoded = Shares.value(done, "Encoded Token");
    String token = Shares.value(done, "Root Token");
    assertThat(token).isNotEqualTo(Shares.rootToken(init));

    Result decoded = cli.run("operator", "generate-root", "--decode", encoded, "--otp", otp);
    assertThat(decoded.out()).as(decoded.toString()).isEqualTo(token + System.lineSeparator());

    cli.env("BRINE_TOKEN", null);
    Result sealed = cli.run("operator", "seal", "--token", token);
    assertThat(sealed.exitCode()).as(sealed.toString()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void rotate_keyringThenRootKey_sharesStillUnseal() {
    Result init = cli.run("operator", "init");
    List<String> keys = Shares.keys(init, "Unseal Key");
    unseal(keys);
    cli.env("BRINE_TOKEN", Shares.rootToken(init));

    Result keyring = cli.run("operator", "rotate");
    Result root = cli.run("operator", "rotate", "--root-key");

    assertThat(keyring.exitCode()).as(keyring.toString()).isEqualTo(ExitCodes.OK);
    assertThat(keyring.out()).startsWith("Success! Rotated key" + System.lineSeparator());
    assertThat(Shares.value(keyring, "Key Term")).isEqualTo("2");
    assertThat(keyring.out()).containsPattern("Install Time {2,}\\S+");
    assertThat(root.exitCode()).as(root.toString()).isEqualTo(ExitCodes.OK);
    assertThat(root.out()).startsWith("Success! Rotated the root key");

    cli.run("operator", "seal");
    Result again = unsealWith(keys.get(0), keys.get(1), keys.get(2));
    assertThat(Shares.value(again, "Sealed")).as(again.toString()).isEqualTo("false");
  }

  /** An OpenBao operator's shell: BAO_* and VAULT_* are read when the BRINE_* name is unset. */
  @Test
  void openBaoAndVaultVariables_areReadAfterTheBrineNames() {
    cli.env("BRINE_ADDR", null)
        .env("BAO_ADDR", master.address())
        .env("VAULT_ADDR", "http://127.0.0.1:1");
    Result init = cli.run("operator", "init");
    assertThat(init.exitCode()).as("BAO_ADDR over VAULT_ADDR: " + init).isEqualTo(ExitCodes.OK);
    unseal(Shares.keys(init, "Unseal Key"));

    cli.env("VAULT_TOKEN", Shares.rootToken(init));
    Result rotated = cli.run("operator", "rotate");
    assertThat(rotated.exitCode()).as("VAULT_TOKEN: " + rotated).isEqualTo(ExitCodes.OK);
    cli.env("BAO_TOKEN", "s.not-a-token");
    Result refused = cli.run("operator", "rotate");
    assertThat(refused.exitCode())
        .as("BAO_TOKEN over VAULT_TOKEN: " + refused)
        .isEqualTo(ExitCodes.ERROR);
    assertThat(refused.err()).contains("permission denied");
    cli.env("BRINE_TOKEN", Shares.rootToken(init));
    assertThat(cli.run("operator", "rotate").exitCode())
        .as("BRINE_TOKEN first")
        .isEqualTo(ExitCodes.OK);
    cli.env("BRINE_ADDR", "http://127.0.0.1:1");
    Result brineFirst = cli.run("operator", "status");
    assertThat(brineFirst.exitCode())
        .as("BRINE_ADDR first: " + brineFirst)
        .isEqualTo(ExitCodes.ERROR);
  }

  private void unseal(List<String> keys) {
    Result last = unsealWith(keys.get(0), keys.get(1), keys.get(2));
    assertThat(Shares.value(last, "Sealed")).as(last.toString()).isEqualTo("false");
  }

  /** Gives the shares in turn; returns the last result, or the first that failed. */
  private Result unsealWith(String... keys) {
    Result result = null;
    for (String key : keys) {
      result = cli.run("operator", "unseal", key);
      if (result.exitCode() != ExitCodes.OK) {
        return result;
      }
    }
    return result;
  }
}
