package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: the README's build command ({@code -q}) was silent for a minute. {@code scripts/build}
 * shows one line per module and the verdict, passes its arguments to Maven, and keeps Maven's exit
 * status and errors. Run on the parent pom alone ({@code -N}, offline), which takes seconds.
 */
class BuildScriptTest {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();

  private record Run(int exit, List<String> lines) {}

  private static Run build(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(REPO.resolve("scripts/build").toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out.lines().toList());
  }

  @Test
  void aBuild_showsEachModuleAndTheVerdict_inAFewLines() throws Exception {
    assertThat(REPO.resolve("mvnw")).satisfies(m -> assertThat(Files.isExecutable(m)).isTrue());

    Run ok = build("-o", "-N");

    assertThat(ok.exit()).as(ok.lines().toString()).isZero();
    assertThat(ok.lines())
        .as("what the build printed")
        .contains("BUILD SUCCESS")
        .anySatisfy(l -> assertThat(l).startsWith("Building brine "))
        .anySatisfy(l -> assertThat(l).startsWith("brine: ./mvnw -B -ntp package -DskipTests"))
        .noneSatisfy(l -> assertThat(l).startsWith("[INFO]"))
        .hasSizeLessThan(8);
  }

  @Test
  void aFailingBuild_keepsMavensExitStatus_andSaysWhy() throws Exception {
    Run failed = build("-o", "-N", "-f", "no-such-pom.xml");

    assertThat(failed.exit()).isNotZero();
    assertThat(failed.lines()).anySatisfy(l -> assertThat(l).contains("no-such-pom.xml"));
  }
}
