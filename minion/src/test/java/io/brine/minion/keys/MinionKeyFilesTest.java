package io.brine.minion.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.rsa.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.stream.Stream;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinionKeyFilesTest {
  @TempDir Path pki;

  private Path minionDir() {
    return pki.resolve("minion");
  }

  @Test
  void firstStart_makesMinionPem0600_andMinionPub() throws Exception {
    MinionKeyFiles files = MinionKeyFiles.in(minionDir());

    KeyPair pair = files.loadOrCreate(2048);

    assertThat(Files.getPosixFilePermissions(files.privateKeyFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(minionDir()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Pem.readPublicKey(Files.readString(files.publicKeyFile())))
        .isEqualTo(pair.getPublic());
    try (Stream<Path> left = Files.list(minionDir())) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("minion.pem", "minion.pub");
    }
  }

  @Test
  void laterStarts_readTheSameKey() throws Exception {
    KeyPair first = MinionKeyFiles.in(minionDir()).loadOrCreate(2048);
    KeyPair again = MinionKeyFiles.in(minionDir()).loadOrCreate(2048);
    assertThat(again.getPrivate()).isEqualTo(first.getPrivate());
  }

  @Test
  void missingOrWrongPub_isRebuiltFromThePrivateKey() throws Exception {
    MinionKeyFiles files = MinionKeyFiles.in(minionDir());
    KeyPair pair = files.loadOrCreate(2048);
    Files.delete(files.publicKeyFile());
    files.loadOrCreate(2048);
    assertThat(Pem.readPublicKey(Files.readString(files.publicKeyFile())))
        .isEqualTo(pair.getPublic());
  }

  @Test
  void looseModeOnMinionPem_isTightened() throws Exception {
    MinionKeyFiles files = MinionKeyFiles.in(minionDir());
    files.loadOrCreate(2048);
    Files.setPosixFilePermissions(files.privateKeyFile(), PosixFilePermissions.fromString("rw-r--r--"));
    files.loadOrCreate(2048);
    assertThat(Files.getPosixFilePermissions(files.privateKeyFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void weakOrGarbageKeyFiles_areRefusedWithOneLine() throws Exception {
    Files.createDirectories(minionDir());
    Path pem = minionDir().resolve("minion.pem");
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    java.io.StringWriter out = new java.io.StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      w.writeObject(new PemObject("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded()));
    }
    Files.writeString(pem, out.toString());
    assertThatThrownBy(() -> MinionKeyFiles.in(minionDir()).loadOrCreate(2048))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("1024 bits")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

    Files.writeString(pem, "garbage", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> MinionKeyFiles.in(minionDir()).loadOrCreate(2048))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("minion.pem");
  }

  @Test
  void symlinkedPrivateKey_isNotFollowed() throws Exception {
    Files.createDirectories(minionDir());
    Path elsewhere = pki.resolve("elsewhere.pem");
    Files.writeString(elsewhere, "x");
    Files.createSymbolicLink(minionDir().resolve("minion.pem"), elsewhere);
    assertThatThrownBy(() -> MinionKeyFiles.in(minionDir()).loadOrCreate(2048))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("symbolic link");
  }
}
