package io.brine.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salt's prepend_root_dir rules, as brine applies them to Salt's path keys. */
class RootDirTest {
  @TempDir Path dir;

  private YamlSection top(String yaml) throws Exception {
    return YamlSection.readFile(Files.writeString(dir.resolve("c.yaml"), yaml));
  }

  @Test
  void anAbsolutePath_getsTheRootInFront_unlessItIsUnderItAlready() throws Exception {
    YamlSection top =
        top("root_dir: /srv/m\npki_dir: /etc/salt/pki/master\ncachedir: /srv/m/cache\n");
    RootDir root = RootDir.read(top);

    assertThat(root.path(top, "pki_dir", null)).isEqualTo(Path.of("/srv/m/etc/salt/pki/master"));
    assertThat(root.path(top, "cachedir", null)).isEqualTo(Path.of("/srv/m/cache"));
  }

  @Test
  void aRelativePath_isTakenFromTheRoot_andAMissingKeyTakesSaltsDefaultUnderIt() throws Exception {
    YamlSection top = top("root_dir: /srv/m\npki_dir: pki\n");
    RootDir root = RootDir.read(top);

    assertThat(root.path(top, "pki_dir", "etc/salt/pki/master")).isEqualTo(Path.of("/srv/m/pki"));
    assertThat(root.path(top, "cachedir", "var/cache/salt/master"))
        .isEqualTo(Path.of("/srv/m/var/cache/salt/master"));
    assertThat(root.path(top, "autosign_file", null)).isNull();
  }

  @Test
  void withoutRootDir_pathsReadAsBefore_andNothingIsDefaulted() throws Exception {
    YamlSection top = top("pki_dir: pki\n");
    RootDir root = RootDir.read(top);

    assertThat(root.given()).isFalse();
    assertThat(root.path(top, "pki_dir", "etc/salt/pki/master")).isEqualTo(dir.resolve("pki"));
    assertThatThrownBy(() -> root.requiredPath(top, "cachedir", "var/cache/salt/master"))
        .hasMessage(dir.resolve("c.yaml") + ": cachedir: required key is missing");
  }
}
