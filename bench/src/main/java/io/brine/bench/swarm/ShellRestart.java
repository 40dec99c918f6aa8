package io.brine.bench.swarm;

import java.io.IOException;

/**
 * {@code --restart-command}: a shell command (bench/swarm.sh writes one) that does the whole
 * restart. Its output goes where the swarm's goes, so a failing restart says why.
 */
record ShellRestart(String command) implements MasterRestart {
  @Override
  public void restart() throws IOException, InterruptedException {
    Process shell = new ProcessBuilder("/bin/sh", "-c", command).inheritIO().start();
    int exit = shell.waitFor();
    if (exit != 0) {
      throw new IOException("the restart command failed (exit " + exit + "): " + command);
    }
  }
}
