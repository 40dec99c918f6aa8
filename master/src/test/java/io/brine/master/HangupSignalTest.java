package io.brine.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each case runs a fresh JVM (the signal disposition is the process's), once as a shell starts it
 * and once under nohup, which makes SIGHUP ignored before the JVM starts.
 */
class HangupSignalTest {
  /** Installs the handler, sends itself SIGHUP, and prints what happened. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      java.util.concurrent.CountDownLatch handled = new java.util.concurrent.CountDownLatch(1);
      boolean installed = HangupSignal.onHangup(handled::countDown);
      System.out.println("installed=" + installed);
      if (installed) {
        new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
            .inheritIO()
            .start()
            .waitFor();
        System.out.println("handled=" + handled.await(20, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void a_hangup_runs_the_action() throws Exception {
    String out = run(List.of());
    assertThat(out).contains("installed=true").contains("handled=true");
  }

  @Test
  void an_inherited_ignore_is_reported_not_silently_kept() throws Exception {
    String out = run(List.of("nohup"));
    assertThat(out).contains("installed=false");
    assertThat(out).contains("SIGHUP is ignored by the process that started the master");
  }

  private static String run(List<String> prefix) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Probe.class.getName());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
