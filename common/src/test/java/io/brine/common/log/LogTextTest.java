package io.brine.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void plainText_isReturnedAsIs() {
    String id = "web1.example-01";
    assertThat(LogText.escape(id)).isSameAs(id);
  }

  @Test
  void lineBreaks_andTerminalEscapes_becomeVisible() {
    assertThat(LogText.escape("a\nb\r\u001b[31mc\u0085d\u2028e\u007f"))
        .isEqualTo("a\\u000ab\\u000d\\u001b[31mc\\u0085d\\u2028e\\u007f");
  }

  @Test
  void invisibleFormatCharacters_thatReorderText_becomeVisible() {
    assertThat(LogText.escape("ok\u202egnp.exe\u2066x\u200by\ufeff"))
        .isEqualTo("ok\\u202egnp.exe\\u2066x\\u200by\\ufeff");
    assertThat(LogText.escape("caf\u00e9 \u65e5\u672c")).isEqualTo("caf\u00e9 \u65e5\u672c");
  }

  @Test
  void aBackslash_isDoubled_soAnEscapeCannotBeFaked() {
    assertThat(LogText.escape("x\\u000ay\n")).isEqualTo("x\\\\u000ay\\u000a");
  }

  @Test
  void surrogates_pairedAreKept_unpairedAreEscaped() {
    assertThat(LogText.escape("ok \uD83D\uDE00")).isEqualTo("ok \uD83D\uDE00");
    assertThat(LogText.escape("bad \uD800 end")).isEqualTo("bad \\ud800 end");
    assertThat(LogText.escape("bad \uDC00")).isEqualTo("bad \\udc00");
  }

  @Test
  void longText_isCut_andSaysHowMuch() {
    assertThat(LogText.escape("abcdefghij", 4)).isEqualTo("abcd...(6 more chars)");
    assertThat(LogText.escape(null)).isEqualTo("null");
  }
}
