package io.brine.minion.functions.builtin;

/**
 * Runs a program and waits for it. The execution modules take one so that a test can see the exact
 * command line a module would run where the program itself cannot run (systemctl without systemd,
 * dnf on Debian).
 */
@FunctionalInterface
public interface CommandRunner {
  /**
   * @throws java.io.UncheckedIOException when the program cannot be started (not installed)
   * @throws InterruptedException when the job is interrupted; the program is killed first
   */
  CommandResult run(Command command) throws InterruptedException;

  /** The real one: {@link SystemCommandRunner}. */
  static CommandRunner system() {
    return SystemCommandRunner.INSTANCE;
  }
}
