package io.brine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * bao's single-dash spellings, from bao's own documentation (operator init, rekey, generate-root,
 * unseal, status, token create), become brine's {@code --} options on the bao-style commands;
 * Salt's single-letter flags, options' values and the Salt-style commands are left as they are.
 */
class BaoFlagsTest {
  private final CommandLine brine =
      Brine.commandLine(
          new Brine(Environment.of(Map.of()), new ByteArrayInputStream(new byte[0]), null),
          new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter()));

  private String[] rewrite(String... args) {
    return BaoFlags.rewrite(brine, args);
  }

  @Test
  void operatorInit_keySharesAndThreshold() {
    assertThat(rewrite("operator", "init", "-key-shares=5", "-key-threshold=3"))
        .containsExactly("operator", "init", "--key-shares=5", "--key-threshold=3");
    assertThat(rewrite("operator", "init", "-key-shares", "1", "-key-threshold", "1"))
        .containsExactly("operator", "init", "--key-shares", "1", "--key-threshold", "1");
    assertThat(rewrite("operator", "init", "-recovery-shares=1", "-recovery-threshold=1"))
        .containsExactly("operator", "init", "--recovery-shares=1", "--recovery-threshold=1");
  }

  @Test
  void rekeyGenerateRootUnseal_theirFlags() {
    assertThat(rewrite("operator", "rekey", "-init", "-key-shares=3", "-key-threshold=2"))
        .containsExactly("operator", "rekey", "--init", "--key-shares=3", "--key-threshold=2");
    assertThat(rewrite("operator", "rekey", "-cancel"))
        .containsExactly("operator", "rekey", "--cancel");
    assertThat(rewrite("operator", "generate-root", "-init"))
        .containsExactly("operator", "generate-root", "--init");
    assertThat(rewrite("operator", "generate-root", "-decode=ABC", "-otp=XYZ"))
        .containsExactly("operator", "generate-root", "--decode=ABC", "--otp=XYZ");
    assertThat(rewrite("operator", "unseal", "-reset"))
        .containsExactly("operator", "unseal", "--reset");
  }

  @Test
  void theSpellingsBrineAlreadyKnew_stayAsTheyAre() {
    assertThat(rewrite("status", "-format=json", "-address=http://127.0.0.1:8200"))
        .containsExactly("status", "-format=json", "-address=http://127.0.0.1:8200");
    assertThat(rewrite("token", "create", "-policy=ops", "-ttl=1h"))
        .containsExactly("token", "create", "-policy=ops", "-ttl=1h");
  }

  @Test
  void aValue_isNeverRewritten_norAnythingAfterDoubleDash() {
    // -key-shares=5 is the address's value here (a silly one), not an option.
    assertThat(rewrite("operator", "init", "--address", "-key-shares=5"))
        .containsExactly("operator", "init", "--address", "-key-shares=5");
    assertThat(rewrite("operator", "init", "--", "-key-shares=5"))
        .containsExactly("operator", "init", "--", "-key-shares=5");
  }

  @Test
  void unknownNamesAndSingleLetters_andSaltStyleCommands_areLeftAlone() {
    assertThat(rewrite("operator", "init", "-no-such-flag=1", "-h"))
        .containsExactly("operator", "init", "-no-such-flag=1", "-h");
    assertThat(rewrite("key", "-L", "-include-denied"))
        .containsExactly("key", "-L", "-include-denied");
    assertThat(rewrite("run", "-E", "web.*", "test.ping", "-timeout=5"))
        .containsExactly("run", "-E", "web.*", "test.ping", "-timeout=5");
  }
}
