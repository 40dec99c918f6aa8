package io.brine.cli.key;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine key --import}'s refusals before anything is sent: the folder is read and every key
 * checked first, so these run against an address where a listener counts what arrives (nothing
 * must). The import itself, against real masters, is KeyImportEndToEndTest.
 */
class KeyImportCommandTest {
  private static final String KEY = newKey();

  @TempDir Path dir;

  private final Cli cli = new Cli();
  private ServerSocket listener;
  private Path folder;

  private static String newKey() {
    try {
      return Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    listener = new ServerSocket(0);
    listener.setSoTimeout(1);
    cli.env("BRINE_ADDR", "http://127.0.0.1:" + listener.getLocalPort());
    cli.env("BRINE_TOKEN", "some-token");
    folder = Files.createDirectories(dir.resolve("old/master"));
    Files.createDirectories(folder.resolve("minions"));
    Files.createDirectories(folder.resolve("minions_pre"));
    Files.writeString(folder.resolve("minions/web1"), KEY);
    Files.writeString(folder.resolve("master.pub"), KEY); // the old master's own: not a minion's
  }

  /** Nothing connected to the address: the command sent nothing. */
  private void nothingSent() throws Exception {
    try {
      listener.accept().close();
      throw new AssertionError("the command connected to the master");
    } catch (java.net.SocketTimeoutException expected) {
      // nobody came
    } finally {
      listener.close();
    }
  }

  private Result importing(Path from) {
    return cli.run("key", "--import", from.toString());
  }

  @Test
  void aFileThatIsNotAKey_isOneLineNamingIt_andNothingIsSent() throws Exception {
    Files.writeString(folder.resolve("minions_pre/web2"), "-----BEGIN PUBLIC KEY-----\nAAAA\n");

    Result r = importing(dir.resolve("old"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(KeyCommand.ERROR);
    assertThat(r.err().strip())
        .startsWith("Error: " + folder.resolve("minions_pre/web2") + ": key of web2: not a usable")
        .doesNotContain("\n")
        .doesNotContain("at io.");
    assertThat(r.out()).isEmpty();
    nothingSent();
  }

  @Test
  void aBadName_aLink_aHugeFile_areRefusedEachNamingTheFile() throws Exception {
    Path bad = Files.writeString(folder.resolve("minions/web 3"), KEY);
    assertThat(importing(folder).err()).contains(bad + ": the name is not a valid minion id");
    Files.delete(bad);

    Path link = Files.createSymbolicLink(folder.resolve("minions/web4"), folder.resolve("master.pub"));
    assertThat(importing(folder).err()).contains(link + ": not a regular file");
    Files.delete(link);

    Path huge = Files.writeString(folder.resolve("minions/web5"), "A".repeat(20_000));
    assertThat(importing(folder).err()).contains(huge + ": over 16384 bytes");
    Files.delete(huge);

    Files.writeString(folder.resolve("minions/.web1.tmp"), "half-written"); // skipped, as Salt's
    nothingSent();
  }

  @Test
  void notAKeyFolder_orAnEmptyOne_isOneClearLine() throws Exception {
    Result elsewhere = importing(Files.createDirectories(dir.resolve("photos")));
    assertThat(elsewhere.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(elsewhere.err().strip())
        .isEqualTo(
            "Error: "
                + dir.resolve("photos")
                + " is not a key folder: it has none of minions, minions_pre, minions_rejected,"
                + " minions_denied (nor has "
                + dir.resolve("photos/master")
                + ")");

    Files.delete(folder.resolve("minions/web1"));
    Result empty = importing(dir.resolve("old"));
    assertThat(empty.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(empty.err().strip()).isEqualTo("Error: " + folder + " holds no keys: nothing to import");

    Result missing = importing(dir.resolve("nowhere"));
    assertThat(missing.err().strip()).isEqualTo("Error: " + dir.resolve("nowhere") + " is not a folder");
    nothingSent();
  }

  @Test
  void usage_importNeedsAnAddress_andDryRunGoesWithImportOnly() throws Exception {
    Result offline = new Cli().run("key", "--import", folder.toString());
    assertThat(offline.exitCode()).isEqualTo(KeyCommand.ERROR);
    assertThat(offline.err()).contains("--import needs the running master");

    Result dryAlone = cli.run("key", "-L", "--dry-run");
    assertThat(dryAlone.exitCode()).isEqualTo(KeyCommand.USAGE);
    assertThat(dryAlone.err()).contains("--dry-run goes with --import only");

    Result twice = cli.run("key", "--import", folder.toString(), "-A");
    assertThat(twice.exitCode()).isEqualTo(KeyCommand.USAGE);
    nothingSent();
  }
}
