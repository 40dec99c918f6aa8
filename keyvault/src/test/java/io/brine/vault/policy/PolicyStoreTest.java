package io.brine.vault.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.barrier.Keyring;
import io.brine.vault.storage.FileStorage;
import io.brine.vault.storage.InMemoryStorage;
import io.brine.vault.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {
  private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
  private static final String WEB =
      "path \"secret/web/*\" { capabilities = [\"read\", \"list\"] }\n";

  @TempDir Path dir;

  private Keyring keyring;
  private Barrier barrier;
  private PolicyStore store;

  @BeforeEach
  void openBarrier() throws Exception {
    keyring = Keyring.generate();
    barrier = new Barrier(FileStorage.open(dir));
    barrier.install(keyring);
    store = new PolicyStore(barrier, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void put_thenGet_roundTripsThroughTheBarrierOnDisk() throws Exception {
    Policy put = store.put("Web", WEB);

    assertThat(put.name()).isEqualTo("web");
    assertThat(put.version()).isEqualTo(1);
    assertThat(put.modified()).contains(NOW);

    // A new store over a new barrier on the same files, as after a restart and unseal.
    Barrier reopened = new Barrier(FileStorage.open(dir));
    reopened.install(keyring);
    Policy read = new PolicyStore(reopened).get("WEB").orElseThrow();
    assertThat(read.text()).isEqualTo(WEB);
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.modified()).contains(NOW);
    assertThat(read.rules()).extracting(PathRule::pattern).containsExactly("secret/web/*");

    // On disk under sys/policy/web, encrypted.
    byte[] onDisk = Files.readAllBytes(dir.resolve("barrier/sys/policy/web"));
    assertThat(new String(onDisk, StandardCharsets.ISO_8859_1)).doesNotContain("secret/web");
  }

  @Test
  void put_again_replacesAndCountsTheVersion_andTheAclSeesItAtOnce() throws Exception {
    store.put("web", WEB);
    Acl before = store.acl(List.of("web"));
    store.put("web", "path \"secret/web/*\" { capabilities = [\"deny\"] }");

    assertThat(store.get("web").orElseThrow().version()).isEqualTo(2);
    assertThat(before.capabilities("secret/web/a")).containsExactly("list", "read");
    assertThat(store.acl(List.of("web")).capabilities("secret/web/a")).containsExactly("deny");
  }

  @Test
  void put_badText_storesNothing_andKeepsTheOldPolicy() throws Exception {
    store.put("web", WEB);

    assertThatThrownBy(() -> store.put("web", "path \"a\" { capabilities = [\"reed\"] }"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("unknown capability \"reed\"");
    assertThatThrownBy(() -> store.put("fresh", "path \"a\" {"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("line 1, column 11");

    assertThat(store.get("web").orElseThrow().text()).isEqualTo(WEB);
    assertThat(store.get("fresh")).isEmpty();
    assertThat(barrier.list(PolicyStore.PREFIX)).containsExactly("web");
  }

  @Test
  void badNames_areRefusedBeforeStorageIsTouched() {
    InMemoryStorage storage = new InMemoryStorage();
    PolicyStore memory = new PolicyStore(storage);

    for (String name : List.of("../core", "a/b", "", "a..b", "n".repeat(129))) {
      assertThatThrownBy(() -> memory.put(name, WEB)).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> memory.get(name)).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> memory.delete(name)).isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void root_isBuiltIn_immutable_andNeverStored() throws Exception {
    Policy root = store.get("root").orElseThrow();

    assertThat(root.rules()).isEmpty();
    assertThat(store.acl(List.of("ROOT")).isRoot()).isTrue();
    assertThatThrownBy(() -> store.put("root", WEB))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("cannot update \"root\" policy");
    assertThatThrownBy(() -> store.delete("Root"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("cannot delete \"root\" policy");
    assertThat(barrier.list(PolicyStore.PREFIX)).isEmpty();
  }

  @Test
  void default_isServedBuiltIn_untilEdited_andCannotBeDeleted() throws Exception {
    Policy builtIn = store.get("default").orElseThrow();
    assertThat(builtIn.text()).isEqualTo(PolicyStore.DEFAULT_POLICY_TEXT);
    assertThat(builtIn.version()).isZero();
    assertThat(barrier.list(PolicyStore.PREFIX)).isEmpty();
    Acl acl = store.acl(List.of("default"));
    assertThat(acl.check("auth/token/lookup-self", Capability.READ, false, null).allowed())
        .isTrue();
    for (String self :
        List.of("auth/token/renew-self", "auth/token/revoke-self", "sys/capabilities-self")) {
      assertThat(acl.capabilities(self)).as(self).containsExactly("update");
    }
    assertThat(acl.capabilities("sys/seal")).containsExactly("deny");

    store.put("default", "path \"auth/token/lookup-self\" { capabilities = [\"read\"] }");

    assertThat(store.get("default").orElseThrow().version()).isEqualTo(1);
    assertThat(store.acl(List.of("default")).capabilities("auth/token/renew-self"))
        .containsExactly("deny");
    assertThatThrownBy(() -> store.delete("default"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("cannot delete default policy");
  }

  @Test
  void delete_isIdempotent_andTakesEffectAtOnce() throws Exception {
    store.put("web", WEB);
    assertThat(store.acl(List.of("web")).capabilities("secret/web/a"))
        .containsExactly("list", "read");

    store.delete("web");
    store.delete("web");
    store.delete("never-was");

    assertThat(store.get("web")).isEmpty();
    assertThat(store.acl(List.of("web")).capabilities("secret/web/a")).containsExactly("deny");
  }

  @Test
  void list_isSortedAndHasTheBuiltIns() throws Exception {
    store.put("web", WEB);
    store.put("admin", WEB);

    assertThat(store.list()).containsExactly("admin", "default", "root", "web");
    store.put("default", WEB);
    assertThat(store.list()).containsExactly("admin", "default", "root", "web");
  }

  @Test
  void acl_missingAndInvalidNames_actAsEmpty() throws Exception {
    store.put("web", WEB);

    Acl acl = store.acl(List.of("web", "gone", "not/a/name"));

    assertThat(acl.policyNames()).containsExactly("web");
    assertThat(acl.capabilities("secret/web/x")).containsExactly("list", "read");
  }

  @Test
  void sealedBarrier_failsLoudly() throws Exception {
    store.put("web", WEB);
    PolicyStore fresh = new PolicyStore(barrier);
    barrier.seal();

    assertThatThrownBy(() -> fresh.get("web")).isInstanceOf(io.brine.vault.SealedException.class);
    assertThatThrownBy(() -> fresh.put("web", WEB))
        .isInstanceOf(io.brine.vault.SealedException.class);
  }

  @Test
  void corruptRecord_isAnIntegrityError() throws Exception {
    Storage memory = new InMemoryStorage();
    memory.put("sys/policy/web", "{\"name\":\"web\"}".getBytes(StandardCharsets.UTF_8));
    memory.put("sys/policy/junk", "not json".getBytes(StandardCharsets.UTF_8));
    PolicyStore over = new PolicyStore(memory);

    assertThatThrownBy(() -> over.get("web"))
        .isInstanceOf(io.brine.vault.IntegrityException.class)
        .hasMessage("stored policy \"web\" is incomplete");
    assertThatThrownBy(() -> over.get("junk"))
        .isInstanceOf(io.brine.vault.IntegrityException.class);
  }
}
