package io.brine.minion.functions;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Child processes tied to the job that started them, so that a job's timeout or the minion's
 * shutdown kills them, their children included, even when the function's thread does not answer its
 * interrupt.
 *
 * <p>The job runner opens a {@link Scope} per job and binds it to the job's thread; {@link #start}
 * registers with the scope of the calling thread (a function that starts processes from threads of
 * its own must kill them itself).
 */
public final class ChildProcesses {
  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

  private ChildProcesses() {}

  /** Starts the process and ties it to the job running on this thread, if any. */
  public static Process start(ProcessBuilder builder) throws IOException {
    Scope scope = CURRENT.get();
    Process process = builder.start();
    if (scope != null && !scope.register(process)) {
      destroyTree(process.toHandle());
      throw new InterruptedIOException("the job has ended; process not started");
    }
    return process;
  }

  /**
   * Kills a process and all its descendants (SIGKILL: the job is past its deadline or the minion is
   * stopping, and waiting for a polite exit would hold a job thread).
   *
   * <p>Each process is killed before its children are: a dead process forks no more, and the
   * children listed just before are still reachable through their handles after the parent has gone
   * and they have been re-parented. A child forked between the listing and the kill escapes; the
   * window is a few microseconds.
   */
  public static void destroyTree(ProcessHandle root) {
    List<ProcessHandle> children = new ArrayList<>();
    root.children().forEach(children::add);
    root.destroyForcibly();
    for (ProcessHandle child : children) {
      destroyTree(child);
    }
  }

  /**
   * Sends SIGTERM to a process and all its descendants, for {@code saltutil.term_job}: a process
   * may clean up and exit; whatever is left when the job's function returns is killed.
   */
  public static void terminateTree(ProcessHandle root) {
    List<ProcessHandle> children = new ArrayList<>();
    root.children().forEach(children::add);
    root.destroy();
    for (ProcessHandle child : children) {
      terminateTree(child);
    }
  }

  /** The processes one job started. */
  public static final class Scope {
    private final List<Process> processes = new ArrayList<>();
    private boolean closed;

    /**
     * Makes {@link ChildProcesses#start} on this thread register here until {@link Binding#unbind}.
     */
    public Binding bindToCurrentThread() {
      Scope previous = CURRENT.get();
      CURRENT.set(this);
      return () -> {
        if (previous == null) {
          CURRENT.remove();
        } else {
          CURRENT.set(previous);
        }
      };
    }

    private synchronized boolean register(Process p) {
      if (closed) {
        return false;
      }
      processes.removeIf(old -> !old.isAlive());
      processes.add(p);
      return true;
    }

    /** SIGTERM to every process of the job still running, with descendants; starts still work. */
    public void terminateAll() {
      List<Process> toTerm;
      synchronized (this) {
        toTerm = new ArrayList<>(processes);
      }
      for (Process p : toTerm) {
        terminateTree(p.toHandle());
      }
    }

    /** Kills every process of the job still running, with descendants; later starts fail. */
    public void destroyAll() {
      List<Process> toKill;
      synchronized (this) {
        closed = true;
        toKill = new ArrayList<>(processes);
        processes.clear();
      }
      for (Process p : toKill) {
        destroyTree(p.toHandle());
      }
    }
  }

  /** Undoes a binding to the current thread; call it in a finally block. */
  @FunctionalInterface
  public interface Binding {
    void unbind();
  }
}
