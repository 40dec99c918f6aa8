package io.brine.minion.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.RsaKeys;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyPinTest {
  private static RSAPublicKey master;
  private static RSAPublicKey impostor;

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    master = (RSAPublicKey) RsaKeys.generate(2048).getPublic();
    impostor = (RSAPublicKey) RsaKeys.generate(2048).getPublic();
  }

  @Test
  void firstContact_pinsTheKey_laterContactsNeedTheSameKey() throws Exception {
    MasterKeyPin pin = new MasterKeyPin(dir, null);
    assertThat(pin.pinned()).isEmpty();

    pin.acceptOrRefuse(master);

    assertThat(new MasterKeyPin(dir, null).pinned()).contains(master);
    new MasterKeyPin(dir, null).acceptOrRefuse(master);
    assertThatThrownBy(() -> new MasterKeyPin(dir, null).acceptOrRefuse(impostor))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("the master's key has changed")
        .hasMessageContaining(Fingerprints.salt(impostor))
        .hasMessageContaining(Fingerprints.salt(master));
    assertThat(new MasterKeyPin(dir, null).pinned()).as("the pin is kept").contains(master);
  }

  @Test
  void masterFinger_closesTheFirstUseGap() throws Exception {
    String finger = Fingerprints.salt(master).toUpperCase();
    assertThatThrownBy(() -> new MasterKeyPin(dir, finger).acceptOrRefuse(impostor))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("does not match master_finger");
    assertThat(new MasterKeyPin(dir, finger).pinned()).as("nothing pinned").isEmpty();

    new MasterKeyPin(dir, finger).acceptOrRefuse(master);
    assertThat(new MasterKeyPin(dir, finger).pinned()).contains(master);
  }
}
