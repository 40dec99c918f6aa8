package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.output.OutputOptions;
import io.brine.cli.output.Outputter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What {@code brine run} and {@code brine jobs show} print around the returns: with {@code -v}
 * Salt's "Executing job with jid" header, a progress line on a terminal's stderr while waiting,
 * and at the end the minions that did not return; and the exit code that follows.
 */
final class JobOutput implements JobWatch.Sink {
  static final String RULE = "-------------------------------------------";

  private final Returns returns;
  private final PrintWriter out;
  private final PrintWriter err;
  private final OutputOptions flags;
  private final boolean progress;
  /** Verbose lines go to stdout as Salt's do, unless stdout is a document for a script. */
  private final PrintWriter verbose;
  private boolean failed;
  private boolean progressShown;

  /**
   * @param out where the returns go (stdout or --out-file)
   * @param progress whether stderr is a terminal, for the progress line
   */
  JobOutput(
      PrintWriter out, PrintWriter err, Outputter.Options options, OutputOptions flags,
      boolean progress) {
    this.returns = new Returns(out, options, flags.hideTimeout());
    this.out = out;
    this.err = err;
    this.flags = flags;
    this.progress = progress;
    this.verbose =
        options.format().machineReadable() || flags.toFile() || options.staticOutput() ? err : out;
  }

  void header(String jid) {
    if (flags.verbose()) {
      verbose.println("Executing job with jid " + jid);
      verbose.println(RULE);
      verbose.println();
      verbose.flush();
    }
  }

  /** A line of its own in the output (a batch's "Executing run on"), not for scripts' documents. */
  void note(String line) {
    clearProgress();
    verbose.println(line);
    verbose.flush();
  }

  @Override
  public synchronized void returned(String id, JsonNode ret) {
    clearProgress();
    returns.add(id, ret);
    failed |= Returns.failed(ret);
  }

  @Override
  public synchronized void progress(int returned, int targeted) {
    if (progress && returned < targeted) {
      err.print("\r" + returned + "/" + targeted + " returned");
      err.flush();
      progressShown = true;
    }
  }

  /** Minions still running within the job's timeout, for {@code jobs show}. */
  void running(Collection<String> ids) {
    returns.running(ids);
  }

  boolean failed() {
    return failed;
  }

  /**
   * Prints the minions that did not return and finishes the document.
   *
   * @param missing every targeted minion without a return, in order
   * @param notConnected those of them not connected when the job went out
   * @return {@link JobExitCodes#OK} or {@link JobExitCodes#FAILED}
   */
  synchronized int finish(List<String> missing, Collection<String> notConnected, String jid,
      int targeted) {
    clearProgress();
    returns.missing(missing, notConnected);
    returns.finish();
    out.flush();
    if (!missing.isEmpty()) {
      err.println(
          "Minions that did not return (" + missing.size() + " of " + targeted + "): "
              + String.join(", ", missing) + (jid == null ? "" : " (job " + jid + ")"));
    }
    if (failed) {
      err.println("ERROR: Minions returned with non-zero exit code");
    }
    err.flush();
    return failed || !missing.isEmpty() ? JobExitCodes.FAILED : JobExitCodes.OK;
  }

  static List<String> ordered(Collection<String> first, Collection<String> then) {
    List<String> all = new ArrayList<>(first);
    all.addAll(then);
    return all;
  }

  private void clearProgress() {
    if (progressShown) {
      err.print("\r\033[K");
      err.flush();
      progressShown = false;
    }
  }
}
