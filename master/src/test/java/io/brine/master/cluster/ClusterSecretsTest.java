package io.brine.master.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.VaultCore;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.storage.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two masters over one storage: the active makes the cluster's keys, the standby takes them. */
class ClusterSecretsTest {
  private final InMemoryStorage physical = new InMemoryStorage();
  private final AtomicBoolean aActive = new AtomicBoolean(true);
  private VaultCore vaultA;
  private VaultCore vaultB;
  private ClusterSecrets a;
  private ClusterSecrets b;
  private String share;
  private String root;

  @BeforeEach
  void twoMasters() throws Exception {
    vaultA = VaultCore.builder(physical).build();
    InitResult init = vaultA.initialize(new InitRequest(1, 1, 0, 0));
    share = init.keys().get(0);
    root = init.rootToken();
    vaultB = VaultCore.builder(physical).build();
    a = new ClusterSecrets(aActive::get, new SecureRandom());
    b = new ClusterSecrets(() -> false, new SecureRandom());
    vaultA.addListener(a);
    vaultB.addListener(b);
  }

  @AfterEach
  void close() {
    vaultA.close();
    vaultB.close();
  }

  @Test
  void aStandbyWaitsForTheActive_thenBothSealAndOpenForEachOther() throws Exception {
    aActive.set(false);
    vaultA.submitUnsealKey(share, false);
    vaultB.submitUnsealKey(share, false);
    assertThat(a.loaded()).isFalse();
    assertThatThrownBy(() -> b.dataAead().encrypt(new byte[1], new byte[0]))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("not loaded");
    assertThat(b.keyMac()).isEmpty();

    aActive.set(true);
    a.refresh();
    b.refresh();
    assertThat(a.loaded()).isTrue();
    assertThat(b.loaded()).isTrue();
    byte[] aad = "job-return\0j1\0web1".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = a.dataAead().encrypt("secret output".getBytes(StandardCharsets.UTF_8), aad);
    assertThat(new String(b.dataAead().decrypt(sealed, aad), StandardCharsets.UTF_8))
        .isEqualTo("secret output");
    byte[] tag = a.keyMac().orElseThrow().compute("web1 accepted".getBytes(StandardCharsets.UTF_8));
    b.keyMac().orElseThrow().verify(tag, "web1 accepted".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theKeysAreInTheBarrierOnly_andWipedAtSeal() throws Exception {
    vaultA.submitUnsealKey(share, false);
    assertThat(physical.get(Barrier.PHYSICAL_PREFIX + ClusterSecrets.DATA_KEY_PATH)).isPresent();
    assertThat(physical.get(ClusterSecrets.DATA_KEY_PATH)).isEmpty();
    byte[] sealed = a.dataAead().encrypt(new byte[] {7}, new byte[0]);

    vaultA.seal(root);
    assertThat(a.loaded()).isFalse();
    assertThatThrownBy(() -> a.dataAead().decrypt(sealed, new byte[0]))
        .isInstanceOf(GeneralSecurityException.class);

    vaultA.submitUnsealKey(share, false);
    assertThat(a.dataAead().decrypt(sealed, new byte[0])).containsExactly(7);
  }
}
