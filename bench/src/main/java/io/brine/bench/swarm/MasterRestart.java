package io.brine.bench.swarm;

/**
 * Kills the master with SIGKILL, starts it again, unseals it and updates the pid file; returns when
 * the master is unsealed. The swarm's command line runs a shell command ({@link ShellRestart}); a
 * test restarts its own child process.
 */
@FunctionalInterface
public interface MasterRestart {
  void restart() throws Exception;
}
