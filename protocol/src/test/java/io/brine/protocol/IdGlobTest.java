package io.brine.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdGlobTest {
  @Test
  void star_matchesAnyRun_includingNone() {
    assertThat(IdGlob.of("web*").matches("web")).isTrue();
    assertThat(IdGlob.of("web*").matches("web12.example.com")).isTrue();
    assertThat(IdGlob.of("web*").matches("db1")).isFalse();
    assertThat(IdGlob.of("*").matches("anything")).isTrue();
  }

  @Test
  void questionMark_matchesExactlyOneCharacter() {
    assertThat(IdGlob.of("web?").matches("web1")).isTrue();
    assertThat(IdGlob.of("web?").matches("web")).isFalse();
    assertThat(IdGlob.of("web?").matches("web12")).isFalse();
  }

  @Test
  void brackets_setsRangesAndNegation() {
    assertThat(IdGlob.of("web[12]").matches("web2")).isTrue();
    assertThat(IdGlob.of("web[12]").matches("web3")).isFalse();
    assertThat(IdGlob.of("web[0-9]").matches("web7")).isTrue();
    assertThat(IdGlob.of("web[!0-9]").matches("web7")).isFalse();
    assertThat(IdGlob.of("web[!0-9]").matches("webx")).isTrue();
    assertThat(IdGlob.of("a[-_]b").matches("a-b")).isTrue();
    assertThat(IdGlob.of("a[-_]b").matches("a_b")).isTrue();
  }

  @Test
  void regexCharacters_andUnclosedBracket_matchThemselves() {
    assertThat(IdGlob.of("web.1").matches("web.1")).isTrue();
    assertThat(IdGlob.of("web.1").matches("webx1")).isFalse();
    assertThat(IdGlob.of("web[1").matches("web[1")).isTrue();
    assertThat(IdGlob.of("web[1").matches("web1")).isFalse();
  }

  @Test
  void matching_isCaseSensitive() {
    assertThat(IdGlob.of("Web*").matches("web1")).isFalse();
  }
}
