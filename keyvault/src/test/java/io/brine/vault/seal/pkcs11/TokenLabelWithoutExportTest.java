package io.brine.vault.seal.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-exports} for the JDK's PKCS#11 binding cannot look up token
 * labels; the operator gets one line that names the flag and the alternative. Surefire's JVM has
 * the flag, so this runs a child JVM without it.
 */
class TokenLabelWithoutExportTest {
  @Test
  void connect_byTokenLabelWithoutExport_namesTheFlagAndSuggestsSlot() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ConnectByLabelMain.class.getName())
            .redirectError(Redirect.DISCARD);
    builder.environment().put(ConnectByLabelMain.PIN_ENV, "123456");
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(output.strip())
        .isEqualTo(
            "finding an HSM token by label needs the JVM option --add-exports"
                + " jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED; add it, or"
                + " configure slot: instead of the token label");
  }
}
