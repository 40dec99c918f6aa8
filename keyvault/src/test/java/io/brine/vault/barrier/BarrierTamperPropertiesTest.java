package io.brine.vault.barrier;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.IntegrityException;
import io.brine.vault.storage.InMemoryStorage;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever happens to the stored bytes, a read gives the value or an {@link IntegrityException},
 * never other data. (jqwik has no temp folders, so these run over the in-memory physical storage;
 * the bytes are the same as on disk.)
 */
class BarrierTamperPropertiesTest {
  private static final String PATH = "master/key";

  private static Barrier unsealedBarrier(InMemoryStorage physical) {
    Barrier barrier = new Barrier(physical);
    barrier.install(Keyring.generate().withNewTerm());
    return barrier;
  }

  @Property(tries = 300)
  void get_anyFlippedBit_throwsIntegrity(
      @ForAll @Size(max = 100) byte[] value,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 0, max = 7) int bit)
      throws Exception {
    InMemoryStorage physical = new InMemoryStorage();
    Barrier barrier = unsealedBarrier(physical);
    barrier.put(PATH, value);
    byte[] stored = physical.get("barrier/" + PATH).orElseThrow();
    stored[position % stored.length] ^= (byte) (1 << bit);
    physical.put("barrier/" + PATH, stored);

    assertThatThrownBy(() -> barrier.get(PATH))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(PATH)
        .hasMessageNotContaining("\n");
  }

  @Property(tries = 100)
  void get_truncatedOrExtended_throwsIntegrity(
      @ForAll @Size(max = 100) byte[] value,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut,
      @ForAll boolean extend)
      throws Exception {
    InMemoryStorage physical = new InMemoryStorage();
    Barrier barrier = unsealedBarrier(physical);
    barrier.put(PATH, value);
    byte[] stored = physical.get("barrier/" + PATH).orElseThrow();
    byte[] changed =
        extend
            ? Arrays.copyOf(stored, stored.length + 1 + cut % 16)
            : Arrays.copyOf(stored, cut % stored.length);
    physical.put("barrier/" + PATH, changed);

    assertThatThrownBy(() -> barrier.get(PATH)).isInstanceOf(IntegrityException.class);
  }
}
