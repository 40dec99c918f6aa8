package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.output.Colors;
import io.brine.cli.output.OutputFormat;
import io.brine.cli.output.OutputOptions;
import io.brine.cli.output.Outputter;
import io.brine.cli.output.PythonJson;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brine jobs list|show}: the master's job cache (Salt's {@code salt-run jobs.*}). */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "The jobs in the master's job cache. Needs a token (BRINE_TOKEN).",
    subcommands = {
      JobsCommand.ListJobs.class,
      JobsCommand.ShowJob.class,
      ActiveJobs.class,
      KillJob.class
    })
public final class JobsCommand {
  private static OperatorClient client(CommandSpec spec, ApiOptions api) {
    return api.connect(((Brine) spec.root().userObject()).environment());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "The cached jobs, newest first.")
  static final class ListJobs implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ApiOptions api;

    @Option(
        names = "--limit",
        paramLabel = "<n>",
        defaultValue = "100",
        description = "At most this many jobs (default 100).")
    int limit;

    @Option(names = "--out", paramLabel = "<format>", defaultValue = "nested",
        description = "A table (nested, the default, or text), or one document: json, yaml, txt,"
            + " raw.")
    String out;

    @Override
    public Integer call() {
      OutputFormat format;
      try {
        format = OutputFormat.of(out);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      JsonNode jobs = client(spec, api).get("/v1/brine/jobs?limit=" + Math.max(1, limit));
      PrintWriter stdout = spec.commandLine().getOut();
      if (format != OutputFormat.NESTED) {
        // One document of jid to job, as brine printed it before it had Salt's outputters.
        Outputter printer =
            new Outputter(
                stdout,
                new Outputter.Options(format, true, PythonJson.DEFAULT_INDENT, Colors.NONE));
        for (JsonNode job : jobs.path("jobs")) {
          printer.minion(job.path("jid").asText(), job, false);
        }
        printer.finish();
        return JobExitCodes.OK;
      }
      stdout.printf("%-20s  %-20s  %-24s  %s%n", "JID", "FUNCTION", "TARGET", "STARTED");
      for (JsonNode job : jobs.path("jobs")) {
        stdout.printf(
            "%-20s  %-20s  %-24s  %s%n",
            job.path("jid").asText(),
            job.path("fun").asText(),
            job.path("tgt_type").asText() + ":" + job.path("tgt").asText(),
            job.path("started").asText());
      }
      stdout.flush();
      return JobExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "One job: its returns, and the minions that did not return.",
      footer = {
        "",
        "Exit codes: 0 every minion returned and succeeded, 1 error, 4 a minion failed or did",
        "            not return, 5 some minions are still running it (within its timeout)."
      })
  static final class ShowJob implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ApiOptions api;
    @Mixin OutputOptions output;

    @Option(
        names = {"-w", "--wait"},
        description = "Of a job still running: print the returns as they come, until every"
            + " minion has returned or the job's timeout has passed.")
    boolean follow;

    @Parameters(index = "0", paramLabel = "JID", description = "The job id.")
    String jid;

    @Override
    public Integer call() {
      Brine brine = (Brine) spec.root().userObject();
      Outputter.Options asked = output.options(spec, brine.console() != null);
      // A job read once is one document; followed, its returns come as they land, as brine run's.
      Outputter.Options options =
          new Outputter.Options(
              asked.format(), asked.staticOutput() || !follow, asked.indent(), asked.colors());
      OperatorClient client = client(spec, api);
      JsonNode job;
      try {
        job = client.get("/v1/brine/jobs?jid=" + URLEncoder.encode(jid, StandardCharsets.UTF_8));
      } catch (OperatorClient.ApiError e) {
        if (e.status() == 404) {
          throw new CliException("no job " + jid + " in the master's job cache");
        }
        throw e;
      }
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter out = output.writer(stdout);
      try {
        if (options.format() == OutputFormat.NESTED) {
          out.println(
              "Job " + jid + ": " + job.path("fun").asText() + " to "
                  + job.path("tgt_type").asText() + ":" + job.path("tgt").asText() + ", started "
                  + job.path("started").asText());
        }
        JobOutput printed =
            new JobOutput(out, err, options, output, follow && brine.console() != null);
        printed.header(jid);
        Set<String> minions = JobWatch.ids(job.path("minions"));
        Set<String> notConnected = JobWatch.ids(job.path("missing"));
        Set<String> waiting = new LinkedHashSet<>(minions);
        JsonNode all = job.path("returns");
        for (String id : JobOutput.ordered(minions, notConnected)) {
          JsonNode ret = all.get(id);
          if (ret != null) {
            waiting.remove(id);
            notConnected.remove(id); // handed on later, on another master of a cluster
            printed.returned(id, ret);
          }
        }
        // The master's clock says whether the job's timeout has passed (older jobs: unknown,
        // taken as passed).
        long endsInMillis = job.path("ends_in_ms").asLong(0);
        int targeted = minions.size() + notConnected.size();
        Set<String> late = waiting;
        if (endsInMillis > 0 && !waiting.isEmpty()) {
          if (!follow) {
            printed.running(waiting);
            int code =
                printed.finish(JobOutput.ordered(List.of(), notConnected), notConnected, jid,
                    targeted);
            err.println(
                "Still running (" + waiting.size() + " of " + targeted + "): "
                    + String.join(", ", waiting) + "; --wait follows the job");
            err.flush();
            return code == JobExitCodes.OK ? JobExitCodes.RUNNING : code;
          }
          late =
              new JobWatch(client, jid)
                  .follow(waiting, System.nanoTime() + endsInMillis * 1_000_000L, printed);
        }
        return printed.finish(JobOutput.ordered(late, notConnected), notConnected, jid, targeted);
      } finally {
        if (output.toFile()) {
          out.close();
        }
      }
    }
  }
}
