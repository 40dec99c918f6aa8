package io.brine.minion.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.config.MasterAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MasterRotationTest {
  private static final List<MasterAddress> FIVE =
      List.of(
          new MasterAddress("m1", 4506),
          new MasterAddress("m2", 4506),
          new MasterAddress("m3", 4506),
          new MasterAddress("m4", 4506),
          new MasterAddress("m5", 4507));

  @Test
  void withoutShuffle_theFilesOrder() {
    assertThat(new MasterRotation(FIVE, false, false, new Random(1)).order()).isEqualTo(FIVE);
  }

  @Test
  void randomMaster_shufflesOnce_withTheGivenRandom() {
    List<MasterAddress> expected = new ArrayList<>(FIVE);
    Collections.shuffle(expected, new Random(42));

    MasterRotation rotation = new MasterRotation(FIVE, true, false, new Random(42));

    assertThat(rotation.order()).isEqualTo(expected).isNotEqualTo(FIVE);
    assertThat(rotation.current()).isEqualTo(expected.get(0));
    assertThat(rotation.order()).as("once, at start").isEqualTo(rotation.order());
  }

  @Test
  void randomMaster_withFailback_keepsTheFirstFirst_andShufflesTheRest() {
    for (long seed = 0; seed < 20; seed++) {
      MasterRotation rotation = new MasterRotation(FIVE, true, true, new Random(seed));

      assertThat(rotation.first()).as("seed %d", seed).isEqualTo(FIVE.get(0));
      assertThat(rotation.order()).containsExactlyInAnyOrderElementsOf(FIVE);
    }
    List<MasterAddress> expected = new ArrayList<>(FIVE);
    Collections.shuffle(expected.subList(1, 5), new Random(7));
    assertThat(new MasterRotation(FIVE, true, true, new Random(7)).order()).isEqualTo(expected);
  }

  @Test
  void next_endsARoundWhereItBegan_andARoundBeginsWhereTheMinionLastSettled() {
    MasterRotation rotation = new MasterRotation(FIVE.subList(0, 3), false, false, new Random(1));

    assertThat(rotation.next()).isFalse(); // m2
    assertThat(rotation.next()).isFalse(); // m3
    assertThat(rotation.next()).as("back at m1: round over").isTrue();
    assertThat(rotation.next()).isFalse(); // m2
    rotation.settled();
    assertThat(rotation.onFirst()).isFalse();
    assertThat(rotation.next()).isFalse(); // m3
    assertThat(rotation.next()).isFalse(); // m1
    assertThat(rotation.next()).as("back at m2, where it settled").isTrue();
    assertThat(rotation.current()).isEqualTo(FIVE.get(1));

    rotation.backToFirst();
    assertThat(rotation.onFirst()).isTrue();
    assertThat(rotation.next()).isFalse();
  }

  @Test
  void oneMaster_everyMoveEndsARound() {
    MasterRotation rotation = new MasterRotation(FIVE.subList(0, 1), true, false, new Random(1));

    assertThat(rotation.several()).isFalse();
    assertThat(rotation.next()).isTrue();
    assertThat(rotation.current()).isEqualTo(FIVE.get(0));
  }
}
