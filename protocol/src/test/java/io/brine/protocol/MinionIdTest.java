package io.brine.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MinionIdTest {

  @ParameterizedTest
  @ValueSource(strings = {"web1", "web-1.example.com", "db_2", "A", "x.y.z", "1host"})
  void of_hostNamesAndFqdns_areAccepted(String id) {
    assertThat(MinionId.of(id).value()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a/b", "../etc", "a\\\\b", "..", ".hidden", "-rf", "a..b", "a b", "caf\u00e9", "a\u0000b",
        "a\nb", "a\tb"
      })
  void of_pathsControlCharactersAndOddStarts_areRefused(String id) {
    assertThatThrownBy(() -> MinionId.of(id))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\0"));
  }

  @Test
  void of_tenKilobytes_isRefusedWithoutEchoingIt() {
    String huge = "a".repeat(10_240);
    assertThatThrownBy(() -> MinionId.of(huge))
        .hasMessage("minion id is 10240 characters; at most 253 are allowed");
    assertThatThrownBy(() -> MinionId.of("/" + "b".repeat(200)))
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
  }

  @Test
  void of_emptyOrNull_isRefused() {
    assertThatThrownBy(() -> MinionId.of("")).hasMessage("minion id is empty");
    assertThatThrownBy(() -> MinionId.of(null)).hasMessage("minion id is empty");
  }

  @Test
  void equalityAndOrder_followTheValue() {
    assertThat(MinionId.of("b")).isEqualTo(MinionId.of("b")).isGreaterThan(MinionId.of("a"));
    assertThat(MinionId.isValid("a/b")).isFalse();
  }
}
