package io.brine.cli.key;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: {@code brine key -L} against a running master whose vault is sealed failed, where
 * salt-key would still list. It lists the folder when it is readable here, saying so in one line;
 * a change, or a folder that is not here, is a one-line error naming the seal.
 */
class SealedKeyListingTest {
  @TempDir static Path dir;

  private static MasterProcess master;

  @BeforeAll
  static void sealedMaster() throws Exception {
    master = MasterProcess.start(dir); // never initialized: sealed
    Path pending = Files.createDirectories(dir.resolve("pki/master/minions_pre"));
    Files.writeString(
        pending.resolve("web1"),
        Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic()));
  }

  @AfterAll
  static void stop() {
    master.close();
  }

  private Cli cli(Path config) {
    return new Cli()
        .env("BRINE_ADDR", master.address())
        .env("BRINE_TOKEN", "s.whatever")
        .env("BRINE_MASTER_CONFIG", config.toString());
  }

  @Test
  void list_whileSealed_readsTheFolder_andSaysSoInOneLine() {
    Result r = cli(dir.resolve("master.yaml")).run("key", "-L");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Unaccepted Keys:\nweb1\n");
    assertThat(r.err())
        .isEqualTo(
            "the master at "
                + master.address()
                + " is sealed; reading "
                + dir.resolve("pki")
                + " directly instead"
                + System.lineSeparator());
  }

  @Test
  void aChange_whileSealed_isAOneLineError() {
    Result r = cli(dir.resolve("master.yaml")).run("key", "-a", "web1", "-y");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "Error: the master at "
                + master.address()
                + " is sealed: unseal its vault (brine operator unseal) to change keys"
                + System.lineSeparator());
    assertThat(dir.resolve("pki/master/minions_pre/web1")).exists();
  }

  @Test
  void list_whileSealed_withNoFolderHere_isAOneLineError() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path config =
        Files.writeString(
            elsewhere.resolve("master.yaml"),
            "pki_dir: " + elsewhere.resolve("pki") + "\nvault:\n  storage_dir: v\n");

    Result r = cli(config).run("key", "-L");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.err())
        .startsWith("Error: the master at " + master.address() + " is sealed, and its PKI folder")
        .contains("no PKI folder at " + elsewhere.resolve("pki/master"));
  }
}
