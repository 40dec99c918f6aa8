package io.brine.bench.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwarmKeysTest {
  @TempDir Path dir;

  @Test
  void masterPub_isPinnedInEveryMinion_andRemovedWithout() throws Exception {
    Path keys = dir.resolve("keys");
    Path masterPub = dir.resolve("master.pub");
    Files.writeString(
        masterPub, "-----BEGIN PUBLIC KEY-----\nnot read here\n-----END PUBLIC KEY-----\n");
    Path pin = SwarmKeys.pkiDir(keys, 1).resolve("minion/minion_master.pub");

    assertThat(SwarmKeys.ensure(keys, 2, 2048, masterPub)).isEqualTo(2);
    assertThat(pin).hasSameBinaryContentAs(masterPub);
    assertThat(pin.getParent()).isDirectoryNotContaining("glob:**.tmp");

    assertThat(SwarmKeys.ensure(keys, 2, 2048, null)).isZero();
    assertThat(pin).doesNotExist();
  }
}
