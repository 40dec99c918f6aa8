package io.brine.minion.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChildProcessesTest {
  @Test
  void destroyTree_killsTheProcessAndItsChildren() throws Exception {
    Process shell = new ProcessBuilder("/bin/sh", "-c", "sleep 60 & echo $!; wait").start();
    long child = readPid(shell);
    assertThat(Processes.isDead(child)).isFalse();

    ChildProcesses.destroyTree(shell.toHandle());

    assertThat(Processes.awaitDead(shell.pid(), 20)).as("the shell").isTrue();
    assertThat(Processes.awaitDead(child, 20)).as("its child").isTrue();
  }

  @Test
  void scope_killsWhatWasStartedOnTheBoundThread_andRefusesLaterStarts() throws Exception {
    ChildProcesses.Scope scope = new ChildProcesses.Scope();
    Process shell;
    ChildProcesses.Binding bound = scope.bindToCurrentThread();
    try {
      shell = ChildProcesses.start(new ProcessBuilder("/bin/sh", "-c", "sleep 60 & echo $!; wait"));
    } finally {
      bound.unbind();
    }
    long child = readPid(shell);

    scope.destroyAll();

    assertThat(Processes.awaitDead(shell.pid(), 20)).isTrue();
    assertThat(Processes.awaitDead(child, 20)).isTrue();
    ChildProcesses.Binding again = scope.bindToCurrentThread();
    try {
      assertThatThrownBy(() -> ChildProcesses.start(new ProcessBuilder("/bin/true")))
          .isInstanceOf(java.io.InterruptedIOException.class);
    } finally {
      again.unbind();
    }
  }

  private static long readPid(Process p) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    return Long.parseLong(r.readLine().strip());
  }
}
