package io.brine.vault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoragePathsTest {
  private static final String SEGMENT_255 = "s".repeat(255);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "core/keyring",
        "barrier/master/minion.pem",
        "A-Z_a-z.0-9",
        "a/b/c/d/e/f",
        "name.with.dots.",
        "-leading-dash"
      })
  void check_validPath_returnsIt(String path) throws Exception {
    assertThat(StoragePaths.check(path)).isSameAs(path);
  }

  @Test
  void check_longestSegmentAndLongestPath_areValid() throws Exception {
    String longest = SEGMENT_255 + "/" + SEGMENT_255.substring(0, 254) + "/" + "x";
    assertThat(longest).hasSize(512);

    assertThat(StoragePaths.check(SEGMENT_255)).isEqualTo(SEGMENT_255);
    assertThat(StoragePaths.check(longest)).isEqualTo(longest);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "/etc/passwd",
        "a/",
        "a//b",
        ".",
        "..",
        "../outside",
        "a/../../b",
        "a/./b",
        ".hidden",
        "a/.hidden",
        "a\\b",
        "..\\..\\windows",
        "a b",
        "a\tb",
        "a\nb",
        "a\u0000b",
        "a\u001bb",
        "caf\u00e9",
        "a:b",
        "a*",
        "~/x"
      })
  void check_invalidPath_throwsInvalidRequest(String path) {
    assertThatThrownBy(() -> StoragePaths.check(path)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void check_null_throwsInvalidRequest() {
    assertThatThrownBy(() -> StoragePaths.check(null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("storage path is empty");
  }

  @Test
  void check_tooLong_throwsInvalidRequest() {
    String tooLong = SEGMENT_255 + "/" + SEGMENT_255 + "/a";
    assertThat(tooLong).hasSize(513);

    assertThatThrownBy(() -> StoragePaths.check(tooLong))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("storage path is longer than 512 characters");
    assertThatThrownBy(() -> StoragePaths.check("a/" + SEGMENT_255 + "s"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("segment longer than 255");
  }

  @Test
  void check_controlCharacters_messageStaysOneLine() {
    assertThatThrownBy(() -> StoragePaths.check("a\nFAKE LOG LINE\r\u001b[31m"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "storage path \"a?FAKE LOG LINE??[31m\" has a character outside [A-Za-z0-9._-] at"
                + " position 1");
  }

  @Test
  void check_messages_sayWhatIsWrong() {
    assertThatThrownBy(() -> StoragePaths.check("a//b"))
        .hasMessage("storage path \"a//b\" has an empty segment (leading, trailing or double '/')");
    assertThatThrownBy(() -> StoragePaths.check("a/../b"))
        .hasMessage("storage path \"a/../b\" has a segment starting with '.'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/", "core/", "a/b/c/"})
  void checkPrefix_emptyOrPathWithSlash_returnsIt(String prefix) throws Exception {
    assertThat(StoragePaths.checkPrefix(prefix)).isSameAs(prefix);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "/", "//", "/a/", "a//", "../", ".x/", "a b/"})
  void checkPrefix_invalid_throwsInvalidRequest(String prefix) {
    assertThatThrownBy(() -> StoragePaths.checkPrefix(prefix))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void checkPrefix_null_throwsInvalidRequest() {
    assertThatThrownBy(() -> StoragePaths.checkPrefix(null))
        .isInstanceOf(InvalidRequestException.class);
  }
}
