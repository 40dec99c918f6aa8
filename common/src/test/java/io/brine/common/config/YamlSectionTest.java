package io.brine.common.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: a YAML error named the line of the last token read (often the line before) and only
 * the first line of the parser's message ("while scanning for the next token"), dropping the cause.
 */
class YamlSectionTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    return Files.writeString(dir.resolve("master.yaml"), text);
  }

  @Test
  void aTab_isNamedWithItsLineAndColumn() throws Exception {
    Path f = file("pki_dir: /x\nvault:\n\tstorage_dir: /y\n");

    assertThatThrownBy(() -> YamlSection.readFile(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            f
                + ": not valid YAML at line 3, column 1: found a tab character that violates"
                + " indentation (YAML indents with spaces only)");
  }

  @Test
  void anUnclosedList_namesTheProblem_andWhereTheListStarted() throws Exception {
    Path f = file("a: 1\nb: [1, 2\nc: 3\n");

    assertThatThrownBy(() -> YamlSection.readFile(f))
        .hasMessage(
            f
                + ": not valid YAML at line 3, column 2: expected ',' or ']', but got :"
                + " (while parsing a flow sequence started at line 2, column 4)");
  }

  @Test
  void aMisindentedKey_isNamedOnItsOwnLine() throws Exception {
    Path f = file("a: 1\n  b: 2\n");

    assertThatThrownBy(() -> YamlSection.readFile(f))
        .hasMessage(f + ": not valid YAML at line 2, column 4: mapping values are not allowed here");
  }

  @Test
  void aDuplicateKey_namesTheKeyAndItsLine() throws Exception {
    Path f = file("a: 1\na: 2\n");

    assertThatThrownBy(() -> YamlSection.readFile(f))
        .hasMessageStartingWith(f + ": not valid YAML at line 2, column ")
        .hasMessageContaining("Duplicate field 'a'");
  }
}
