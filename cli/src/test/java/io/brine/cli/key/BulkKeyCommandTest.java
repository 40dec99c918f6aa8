package io.brine.cli.key;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import io.brine.common.files.DurableFiles;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: {@code brine key -A -y} with some 4,000 pending keys or more sent one request over the
 * master's {@code max_request_bytes} and got a 413. Here a real master with a 16 KiB limit (so the
 * client's first 32 KiB batch is refused and halved too) takes 4,500 pending keys, written as files
 * that share one public key (the PKI decides per id). {@code brine key --import} batches alike.
 *
 * <p>The master fsyncs every key it moves; on a disk that is some 9,000 fsyncs a minute long, so the
 * master's folders go on tmpfs ({@code /dev/shm}) where there is one. The requests, batches and
 * moves are the same.
 */
class BulkKeyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEYS = 4_500;

  @TempDir Path fallback;

  private Path dir;
  private MasterProcess master;
  private final Cli cli = new Cli();

  @BeforeEach
  void masterWithManyPendingKeys() throws Exception {
    Path shm = Path.of("/dev/shm");
    dir =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "brine-bulk-keys-")
            : fallback;
    master = MasterProcess.start(dir, "  max_request_bytes: 16384\n");
    String token = master.initAndUnseal();
    cli.env("BRINE_MASTER_CONFIG", dir.resolve("master.yaml").toString());
    cli.env("BRINE_ADDR", master.address());
    cli.env("BRINE_TOKEN", token);
    String pem = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
    Path pending = dir.resolve("pki/master/minions_pre");
    for (int i = 0; i < KEYS; i++) {
      Files.writeString(pending.resolve(String.format("bulk-minion-%05d", i)), pem);
    }
  }

  @AfterEach
  void stop() throws Exception {
    master.close();
    if (!dir.equals(fallback)) {
      DurableFiles.deleteTree(dir);
    }
  }

  @Test
  void acceptAll_thenDeleteAll_ofMoreKeysThanOneRequestHolds() throws Exception {
    Result accepted = cli.run("key", "-A", "-y");

    assertThat(accepted.exitCode()).as(accepted.err()).isZero();
    assertThat(accepted.err()).isEmpty();
    assertThat(accepted.out().lines().filter(l -> l.endsWith(" accepted."))).hasSize(KEYS);
    assertThat(count("minions")).isEqualTo(KEYS);
    assertThat(count("minions_pre")).isZero();

    Result listed = cli.run("key", "-L", "--out", "json");
    JsonNode all = JSON.readTree(listed.out());
    assertThat(all.get("minions")).hasSize(KEYS);

    Result deleted = cli.run("key", "-D", "-y");

    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(count("minions")).isZero();
  }

  @Test
  void import_ofMoreKeysThanOneRequestHolds_goesInBatches_halvedAtThe413() throws Exception {
    int imports = 600; // some 270 KB of PEMs: many batches under the master's 16 KiB
    Path old = Files.createDirectories(dir.resolve("old/minions"));
    String pem = Files.readString(dir.resolve("pki/master/minions_pre/bulk-minion-00000"));
    for (int i = 0; i < imports; i++) {
      Files.writeString(old.resolve(String.format("imported-%04d", i)), pem);
    }

    Result imported = cli.run("key", "--import", dir.resolve("old").toString());

    assertThat(imported.exitCode()).as(imported.err()).isZero();
    assertThat(imported.err()).isEmpty();
    assertThat(imported.out().lines().filter(l -> l.endsWith(" (accepted) imported.")))
        .hasSize(imports);
    assertThat(imported.out()).contains("Imported " + imports + " key(s) (" + imports + " accepted");
    assertThat(count("minions")).isEqualTo(imports);

    Result again = cli.run("key", "--import", dir.resolve("old").toString(), "--out", "json");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(JSON.readTree(again.out()).path("unchanged").asInt()).isEqualTo(imports);
  }

  private long count(String status) throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("pki/master").resolve(status))) {
      return files.count();
    }
  }
}
