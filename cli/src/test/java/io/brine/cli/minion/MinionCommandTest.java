package io.brine.cli.minion;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.config.MinionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The minion's start line names every master it may use, as the config lists them. */
class MinionCommandTest {
  @TempDir Path dir;

  private MinionConfig config(String master) throws Exception {
    Path file = dir.resolve("minion.yaml");
    Files.writeString(
        file,
        "id: web1\n" + master + "pki_dir: " + dir.resolve("pki") + "\ncachedir: " + dir.resolve("cache") + "\n");
    return MinionConfig.load(file);
  }

  @Test
  void oneMaster_isNamedWithItsPort() throws Exception {
    assertThat(MinionCommand.startLine(config("master: salt.example\nmaster_port: 4606\n")))
        .contains(": id web1, master salt.example:4606; crypto ");
  }

  @Test
  void aList_namesEveryMaster_inOrder_withItsOwnPort() throws Exception {
    String line =
        MinionCommand.startLine(
            config("master: [m1, 'm2:4507', '[::1]:4508']\nmaster_type: failover\n"));
    assertThat(line).contains(": id web1, masters m1:4506, m2:4507, [::1]:4508 (failover); crypto ");
  }
}
