package io.brine.vault.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.vault.InvalidRequestException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({
    "90m, PT1H30M",
    "1h, PT1H",
    "3600, PT1H",
    "3600s, PT1H",
    "1h30m, PT1H30M",
    "1.5h, PT1H30M",
    "250ms, PT0.25S",
    "2d, PT48H",
    "0, PT0S",
    "' 45s ', PT45S",
    "+10m, PT10M",
    "1h0m30s, PT1H30S",
    "768h, PT768H"
  })
  void parses_OpenBaosForms(String text, String expected) throws Exception {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void emptyAndNull_areZero() throws Exception {
    assertThat(Durations.parse("")).isZero();
    assertThat(Durations.parse((String) null)).isZero();
    assertThat(Durations.parse((Number) null)).isZero();
  }

  @Test
  void numbers_areSeconds() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThat(Durations.parse(3600)).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse(1.5)).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse(json.readTree("{\"t\":7200}").get("t"))).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse(json.readTree("{\"t\":\"2h\"}").get("t"))).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse(json.readTree("{\"t\":null}").get("t"))).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "abc", "1x", "h", "1.2.3s", "1h30", "s1", "1 h", "--1h", "1e3s", "\u0661h", "d", "1.d", "+"
  })
  void refuses_badInput_withOneLine(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("invalid duration")
        .hasMessageNotContaining("\n");
  }

  @Test
  void refuses_negativeAndTooLong_andOtherJsonTypes() throws Exception {
    assertThatThrownBy(() -> Durations.parse("-1h"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Durations.parse(-5))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Durations.parse("99999999999999999999"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> Durations.parse("3000000h"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> Durations.parse(new ObjectMapper().readTree("[1]")))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> Durations.parse("x".repeat(500) + "\n"))
        .isInstanceOf(InvalidRequestException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(150).doesNotContain("\n"));
  }
}
