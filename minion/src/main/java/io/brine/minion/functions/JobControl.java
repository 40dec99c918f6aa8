package io.brine.minion.functions;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs of the runner a function runs in, for {@code saltutil.running}, {@code find_job},
 * {@code kill_job}, {@code term_job} and {@code signal_job}. The job runner binds itself to each
 * job's thread while the function runs (as it binds {@link ChildProcesses}' scope), so a function
 * sees the runner that called it and nothing else; the calling job is never among "the others".
 */
public interface JobControl {
  /**
   * Salt's proc data of every job that has started and not returned, the calling job excepted:
   * {@code jid, fun, arg, pid, tgt, tgt_type}, in start order.
   */
  List<Map<String, Object>> running();

  /**
   * Stops a running or waiting job (not the calling one): it returns at once with a failure that
   * names the signal, its function is interrupted, and its processes get the signal with their
   * descendants ({@link Signal#KILL} at once; {@link Signal#TERM} politely, and any still running
   * when the function returns are killed).
   *
   * @return the job's proc data as it was, or empty when no such job runs here
   */
  Optional<Map<String, Object>> stop(String jid, Signal signal);

  /** The signals a job can be sent: what {@link Process} can deliver. */
  enum Signal {
    TERM(15),
    KILL(9);

    private final int number;

    Signal(int number) {
      this.number = number;
    }

    public int number() {
      return number;
    }

    /** 9, 15, "9", "KILL", "SIGKILL", "TERM", "SIGTERM" (any case); empty for anything else. */
    public static Optional<Signal> parse(Object value) {
      String text = String.valueOf(value).strip().toUpperCase(Locale.ROOT);
      if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        text = Long.toString(n.longValue());
      }
      if (text.startsWith("SIG")) {
        text = text.substring(3);
      }
      for (Signal s : values()) {
        if (text.equals(s.name()) || text.equals(Integer.toString(s.number))) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }

  /** The runner of the job on this thread; empty outside a job. */
  static Optional<JobControl> current() {
    return Optional.ofNullable(Current.CONTROL.get());
  }

  /** Makes {@link #current} on this thread answer {@code control} until the binding is undone. */
  static ChildProcesses.Binding bindToCurrentThread(JobControl control) {
    JobControl previous = Current.CONTROL.get();
    Current.CONTROL.set(control);
    return () -> {
      if (previous == null) {
        Current.CONTROL.remove();
      } else {
        Current.CONTROL.set(previous);
      }
    };
  }

  /** Holds the thread's binding: an interface's fields are public, this class's are not. */
  final class Current {
    private static final ThreadLocal<JobControl> CONTROL = new ThreadLocal<>();

    private Current() {}
  }
}
