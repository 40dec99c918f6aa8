package io.brine.cli.operator;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns terminal echo off while a share is typed, for the case {@link java.io.Console} misses: on
 * Java 17 {@code System.console()} is null as soon as stdout is redirected ({@code brine operator
 * unseal | jq}), yet the share is still typed on a terminal and would be echoed. Linux only (it
 * reads {@code /proc/self/fd/0} and runs {@code stty}); elsewhere it does nothing.
 */
final class EchoOff implements AutoCloseable {
  private static final File TTY = new File("/dev/tty");

  private final boolean active;

  private EchoOff(boolean active) {
    this.active = active;
  }

  /** Echo off if standard input is a terminal; a no-op object otherwise. */
  static EchoOff ifStdinIsATerminal() {
    if (!stdinIsATerminal()) {
      return new EchoOff(false);
    }
    return new EchoOff(stty("-echo"));
  }

  boolean active() {
    return active;
  }

  @Override
  public void close() {
    if (active) {
      stty("echo");
    }
  }

  private static boolean stdinIsATerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static boolean stty(String setting) {
    try {
      Process p = new ProcessBuilder("stty", setting).redirectInput(TTY).start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
