package io.brine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.MasterProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine} as its own process: the exit code the shell sees and what reaches stderr. The child
 * uses the CLI's own logback.xml, not the tests' config.
 */
class ProcessExitCodeTest {
  @TempDir Path dir;

  @Test
  void status_sealedMaster_processExitsTwoAndPrintsNoError() throws Exception {
    try (MasterProcess master = MasterProcess.start(dir)) {
      Child status = brine("operator", "status", "--address", master.address());

      assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCodes.SEALED);
      assertThat(status.out()).contains("Sealed").contains("Initialized");
      assertThat(status.err()).as(status.toString()).isEmpty();
    }
  }

  @Test
  void status_noMaster_processExitsOneWithOneLineAndNoStackTrace() throws Exception {
    String address = "http://127.0.0.1:" + CommandLineErrorsTest.closedPort();

    Child status = brine("operator", "status", "--address", address);

    assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(status.err().lines()).as(status.toString()).hasSize(1);
    assertThat(status.err()).startsWith("Error: cannot reach brine master at " + address);
    assertThat(status.out()).isEmpty();
  }

  @Test
  void debug_putsTheStackTraceInTheDebugLog() throws Exception {
    String address = "http://127.0.0.1:" + CommandLineErrorsTest.closedPort();

    Child status = brine("operator", "status", "--address", address, "--debug");

    assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(status.err())
        .as(status.toString())
        .contains("DEBUG")
        .contains("\tat ")
        .contains("Error: cannot reach brine master at " + address);
  }

  @Test
  void operatorCommand_withoutDebug_neverStartsLogback() throws Exception {
    // Logback's start (its XML configuration read) is a third of a short command's run time.
    Path classes = dir.resolve("classes.txt");
    try (MasterProcess master = MasterProcess.start(dir)) {
      Child status =
          brine(
              List.of("-Xlog:class+load:file=" + classes),
              "operator", "status", "--address", master.address());

      assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCodes.SEALED);
    }
    String loaded = Files.readString(classes, StandardCharsets.UTF_8);
    assertThat(loaded).contains("io.brine.cli.operator.OperatorClient ");
    assertThat(loaded).doesNotContain("ch.qos.logback.classic.LoggerContext");
  }

  private Child brine(String... args) throws IOException, InterruptedException {
    return brine(List.of(), args);
  }

  private Child brine(List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-Dlogback.configurationFile=logback.xml");
    List<String> command =
        new ArrayList<>(MasterProcess.java(options, "io.brine.cli.Brine", args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("brine " + String.join(" ", args) + " did not finish");
    }
    return new Child(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private record Child(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
