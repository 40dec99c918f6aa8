package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Option(names = "--out", paramLabel = "<format>", defaultValue = "text",
        description = "text (default), json or yaml.")
    String out;

    @Override
    public Integer call() {
      Returns.Format format = RunCommand.outFormat(spec, out);
      JsonNode jobs = client(spec, api).get("/v1/brine/jobs?limit=" + Math.max(1, limit));
      PrintWriter stdout = spec.commandLine().getOut();
      if (format != Returns.Format.TEXT) {
        Returns printer = new Returns(stdout, format);
        for (JsonNode job : jobs.path("jobs")) {
          printer.add(job.path("jid").asText(), wrap(job));
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

    private static JsonNode wrap(JsonNode job) {
      com.fasterxml.jackson.databind.node.ObjectNode node =
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      node.set("return", job);
      return node;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "One job: its returns, and the minions that did not return.")
  static final class ShowJob implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ApiOptions api;

    @Option(names = "--out", paramLabel = "<format>", defaultValue = "text",
        description = "text (default), json or yaml.")
    String out;

    @Parameters(index = "0", paramLabel = "JID", description = "The job id.")
    String jid;

    @Override
    public Integer call() {
      Returns.Format format = RunCommand.outFormat(spec, out);
      JsonNode job;
      try {
        job =
            client(spec, api)
                .get("/v1/brine/jobs?jid=" + URLEncoder.encode(jid, StandardCharsets.UTF_8));
      } catch (OperatorClient.ApiError e) {
        if (e.status() == 404) {
          throw new CliException("no job " + jid + " in the master's job cache");
        }
        throw e;
      }
      PrintWriter stdout = spec.commandLine().getOut();
      if (format == Returns.Format.TEXT) {
        stdout.println(
            "Job " + jid + ": " + job.path("fun").asText() + " to " + job.path("tgt_type").asText()
                + ":" + job.path("tgt").asText() + ", started " + job.path("started").asText());
      }
      Returns returns = new Returns(stdout, format);
      JsonNode all = job.path("returns");
      boolean failed = false;
      List<String> missing = new ArrayList<>();
      List<JsonNode> targeted = new ArrayList<>();
      job.path("minions").forEach(targeted::add);
      job.path("missing").forEach(targeted::add);
      for (JsonNode idNode : targeted) {
        String id = idNode.asText();
        JsonNode ret = all.get(id);
        if (ret == null) {
          missing.add(id);
        } else {
          returns.add(id, ret);
          failed |= !ret.path("success").asBoolean() || ret.path("retcode").asInt() != 0;
        }
      }
      returns.missing(missing);
      returns.finish();
      return failed || !missing.isEmpty() ? JobExitCodes.FAILED : JobExitCodes.OK;
    }
  }
}
