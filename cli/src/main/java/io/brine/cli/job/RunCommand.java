package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.output.OutputOptions;
import io.brine.cli.output.Outputter;
import io.brine.master.jobs.JobPublisher;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code brine run TARGET FUNCTION [ARG...] [KEY=VALUE...]}: Salt's {@code salt} command. Publishes
 * the job through the master's operator API, then prints each return as it arrives (a progress
 * line on a terminal), and at the end the minions that did not return.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a function on the minions that match TARGET, as Salt's `salt` command.",
      "TARGET is a glob on minion ids (default), a comma list (-L), a regex (-E), a grain"
          + " (-G os:Debian), a grain regex (-P), a compound (-C), a nodegroup (-N) or an"
          + " address or subnet (-S), as Salt's.",
      "ARGs of the form key=value are keyword arguments; a value that starts with { or [ is read"
          + " as JSON. Needs a token (BRINE_TOKEN)."
    },
    footer = {
      "",
      "Exit codes: 0 every minion returned and succeeded, 1 error (bad usage too),",
      "            3 no minion matched (no job made), 4 a minion failed or did not return.",
      "Salt exits 0, 1 (any failure or timeout) and 2 (no minion matched) instead."
    })
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ApiOptions api;

  @Mixin TargetOptions targets;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "<seconds>",
      defaultValue = "60",
      description = "How long the minions may run the function and the command waits (default 60).")
  int timeout;

  @Option(names = "--async", description = "Print the job id and return at once.")
  boolean async;

  @Mixin OutputOptions output;

  @Option(
      names = {"-b", "--batch-size"},
      paramLabel = "<n|n%>",
      description = "Run on at most this many minions (or this share of them) at once.")
  String batch;

  @Option(
      names = "--batch-wait",
      paramLabel = "<seconds>",
      description = "With -b, wait this long after a minion returns before starting the next.")
  double batchWait;

  @Option(
      names = "--failhard",
      description = "With -b, start no more minions once one has failed.")
  boolean failhard;

  @Parameters(index = "0", paramLabel = "TARGET", description = "Which minions.")
  String target;

  @Parameters(index = "1", paramLabel = "FUNCTION", description = "e.g. test.ping, cmd.run.")
  String function;

  @Parameters(index = "2..*", paramLabel = "ARG", description = "Arguments, key=value for keywords.")
  List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() {
    Brine brine = (Brine) spec.root().userObject();
    Outputter.Options options = output.options(spec, brine.console() != null, function);
    if (timeout < 1 || timeout > 86400) {
      throw new ParameterException(spec.commandLine(), "--timeout must be 1 to 86400 seconds");
    }
    BatchSize batchSize = batch == null ? null : BatchSize.parse(spec, batch);
    if (batchSize == null && (batchWait != 0 || failhard)) {
      throw new ParameterException(spec.commandLine(), "--batch-wait and --failhard need -b");
    }
    if (batchWait < 0 || batchWait > 86400) {
      throw new ParameterException(spec.commandLine(), "--batch-wait must be 0 to 86400 seconds");
    }
    if (batchSize != null && async) {
      throw new ParameterException(spec.commandLine(), "-b and --async cannot be used together");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    targets.putInto(body, target, spec);
    body.put("fun", function);
    Arguments parsed = Arguments.parse(arguments);
    body.put("arg", parsed.positional());
    body.put("kwarg", parsed.keywords());
    body.put("timeout", timeout);
    OperatorClient client = api.connect(brine.environment());
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    if (batchSize != null) {
      PrintWriter out = output.writer(stdout);
      try {
        JobOutput printed = new JobOutput(out, err, options, output, false);
        return new Batch(client, body, batchSize, batchWait, failhard, timeout, printed).run(err);
      } finally {
        closeIfFile(out);
      }
    }
    JsonNode published;
    try {
      published = client.put("/v1/brine/jobs", body);
    } catch (OperatorClient.ApiError e) {
      if (noMatch(e)) {
        return noMatch(err, e);
      }
      throw e;
    }
    if (published == null || !published.path("jid").isTextual()) {
      throw new CliException("the master's answer has no job id");
    }
    String jid = published.path("jid").asText();
    if (async) {
      stdout.println("Executed command with job ID: " + jid);
      stdout.flush();
      return JobExitCodes.OK;
    }
    PrintWriter out = output.writer(stdout);
    try {
      JobOutput printed = new JobOutput(out, err, options, output, brine.console() != null);
      printed.header(jid);
      Set<String> minions = JobWatch.ids(published.path("minions"));
      Set<String> notConnected = JobWatch.ids(published.path("missing"));
      Set<String> late =
          new JobWatch(client, jid).follow(minions, JobWatch.deadline(timeout), printed);
      return printed.finish(
          JobOutput.ordered(late, notConnected), notConnected, jid,
          minions.size() + notConnected.size());
    } finally {
      closeIfFile(out);
    }
  }

  static boolean noMatch(OperatorClient.ApiError e) {
    return e.status() == 400 && e.reason().startsWith(JobPublisher.NoMinionsMatched.PREFIX);
  }

  /** Salt's line, then the master's reason (which target term matched nothing, and why). */
  static int noMatch(PrintWriter err, OperatorClient.ApiError e) {
    err.println("No minions matched the target. No command was sent, no jid was assigned.");
    err.println(e.reason());
    err.flush();
    return JobExitCodes.NO_MATCH;
  }

  private void closeIfFile(PrintWriter out) {
    if (output.toFile()) {
      out.close();
    }
  }
}
