package io.brine.minion.call;

import io.brine.minion.functions.ChildProcesses;
import io.brine.minion.functions.FileFetcher;
import io.brine.minion.functions.PillarSource;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.OneLine;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Salt's {@code salt-call}: one function of the minion's registry run on the caller's thread, with
 * no master, no session and no jid (so the daemon's jid memory is left alone). The outcomes are the
 * job runner's, in Salt's words: an unknown function, refused arguments and a failure are each a
 * one-line value with retcode 1 and {@link Outcome#ran()} false; processes the function starts die
 * with the call.
 *
 * <p>It opens no session itself. Under {@code --local} the functions that need the master's files
 * get {@link #NO_MASTER_FILES}, which refuses with a line saying why; with a master, the caller
 * hands in the file server of a call session ({@code MinionDaemon.startCallSession}), which the
 * master authenticates without making it the minion's connection.
 */
public final class LocalCall {
  /** What {@code cp.get_file} and friends get under {@code brine call --local}. */
  public static final FileFetcher NO_MASTER_FILES =
      (source, dest) -> {
        throw new IOException(
            "brine call --local does not reach the master's file server; run brine call without"
                + " --local on a minion whose master is configured");
      };

  /**
   * @param value the function's value, or the one-line reason it did not run or failed
   * @param retcode the function's retcode, 1 when it did not run or failed
   * @param ran false when the function was unknown, refused its arguments or failed
   */
  public record Outcome(Object value, int retcode, boolean ran) {}

  private record Context(MinionId minionId, FileFetcher files, PillarSource pillar)
      implements FunctionContext {}

  private final FunctionRegistry registry;
  private final FunctionContext context;

  /** A call with no master: {@link #NO_MASTER_FILES}. */
  public LocalCall(FunctionRegistry registry, MinionId id) {
    this(registry, id, NO_MASTER_FILES);
  }

  /** A call whose {@code salt://} files come from {@code files}. */
  public LocalCall(FunctionRegistry registry, MinionId id, FileFetcher files) {
    this(registry, id, files, PillarSource.NONE);
  }

  /** A call whose {@code salt://} files and pillar come from the minion's master. */
  public LocalCall(
      FunctionRegistry registry, MinionId id, FileFetcher files, PillarSource pillar) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.context =
        new Context(
            Objects.requireNonNull(id, "id"),
            Objects.requireNonNull(files, "files"),
            Objects.requireNonNull(pillar, "pillar"));
  }

  public Outcome run(String fun, List<Object> args, Map<String, Object> kwargs)
      throws InterruptedException {
    Optional<MinionFunction> fn = registry.find(fun);
    if (fn.isEmpty()) {
      return new Outcome("'" + OneLine.of(fun) + "' is not available.", 1, false);
    }
    ChildProcesses.Scope processes = new ChildProcesses.Scope();
    ChildProcesses.Binding bound = processes.bindToCurrentThread();
    try {
      FunctionOutput out = fn.get().call(new FunctionCall(args, kwargs, context));
      if (out == null) {
        return new Outcome(fun + " failed: it returned no output", 1, false);
      }
      return new Outcome(out.value(), out.retcode(), true);
    } catch (FunctionException e) {
      return new Outcome("Passed invalid arguments: " + e.getMessage(), 1, false);
    } catch (RuntimeException e) {
      return new Outcome(fun + " failed: " + OneLine.describe(e), 1, false);
    } finally {
      bound.unbind();
      processes.destroyAll();
    }
  }
}
