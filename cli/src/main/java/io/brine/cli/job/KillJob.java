package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import io.brine.protocol.job.JobPublication;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code brine jobs kill JID [TARGET]}: Salt's {@code salt TARGET saltutil.kill_job JID}, aimed by
 * default at the job's own minions that have not returned (read from the job cache). Each minion
 * stops the job and kills its processes; the killed job returns a failure saying so.
 */
@Command(
    name = "kill",
    mixinStandardHelpOptions = true,
    description = {
      "Stop a running job on its minions (saltutil.kill_job): by default on every minion of the",
      "job that has not returned, or on TARGET. Needs a token (BRINE_TOKEN)."
    },
    footer = {
      "",
      "Exit codes: 0 every targeted minion answered (killed, or was not running it),",
      "            1 error, 3 no minion matched, 4 a minion did not answer or failed."
    })
final class KillJob implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ApiOptions api;
  @Mixin TargetOptions targetOptions;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "<seconds>",
      defaultValue = "10",
      description = "How long to wait for the minions' answers (default 10).")
  int timeout;

  @Option(names = "--out", paramLabel = "<format>", defaultValue = "text",
      description = "text (default), json or yaml.")
  String out;

  @Parameters(index = "0", paramLabel = "JID", description = "The job to stop.")
  String jid;

  @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET",
      description = "Which minions (default: the job's minions that have not returned).")
  String target;

  @Override
  public Integer call() {
    Documents.Format format = Documents.format(spec, out);
    if (!JobPublication.isJid(jid)) {
      throw new ParameterException(spec.commandLine(), "JID must be 20 digits, not '" + jid + "'");
    }
    if (timeout < 1 || timeout > 3600) {
      throw new ParameterException(spec.commandLine(), "--timeout must be 1 to 3600 seconds");
    }
    if (target == null && targetOptions.given()) {
      throw new ParameterException(spec.commandLine(), "-L and -E need a TARGET");
    }
    OperatorClient client = api.connect(((Brine) spec.root().userObject()).environment());
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String tgt = target;
    String tgtType = targetOptions.type(spec);
    if (tgt == null) {
      List<String> running = notReturned(client);
      if (running.isEmpty()) {
        stdout.println("Job " + jid + " has returned on every minion it targeted: nothing to kill.");
        stdout.flush();
        return JobExitCodes.OK;
      }
      tgt = String.join(",", running);
      tgtType = "list";
    }
    Optional<MinionQuery.Answers> asked =
        MinionQuery.ask(client, tgt, tgtType, "saltutil.kill_job", List.of(jid), timeout);
    if (asked.isEmpty()) {
      err.println("No minions matched the target. No command was sent, no jid was assigned.");
      err.flush();
      return JobExitCodes.NO_MATCH;
    }
    MinionQuery.Answers answers = asked.get();
    if (format == Documents.Format.TEXT) {
      answers
          .answers()
          .forEach(
              (id, ret) -> {
                String said = ret.path("return").asText();
                stdout.println(
                    id
                        + ": "
                        + (ret.path("retcode").asInt() != 0
                            ? "failed: " + said
                            : said.isEmpty() ? "not running job " + jid : "killed (" + said + ")"));
              });
      stdout.flush();
    } else {
      ObjectNode doc = Documents.mapper().createObjectNode();
      answers.answers().forEach((id, ret) -> doc.set(id, ret.path("return")));
      answers.silent().forEach(doc::putNull);
      Documents.print(stdout, format, doc);
    }
    if (!answers.silent().isEmpty()) {
      err.println(
          "Minions that did not answer: "
              + String.join(", ", answers.silent())
              + " (job "
              + answers.jid()
              + ")");
      err.flush();
      return JobExitCodes.FAILED;
    }
    boolean failed =
        answers.answers().values().stream().anyMatch(ret -> ret.path("retcode").asInt() != 0);
    return failed ? JobExitCodes.FAILED : JobExitCodes.OK;
  }

  /** The job's minions, connected or not when it was published, that have not returned. */
  private List<String> notReturned(OperatorClient client) {
    JsonNode job;
    try {
      job = client.get("/v1/brine/jobs?jid=" + URLEncoder.encode(jid, StandardCharsets.UTF_8));
    } catch (OperatorClient.ApiError e) {
      if (e.status() == 404) {
        throw new CliException(
            "no job "
                + jid
                + " in the master's job cache; name the minions to stop it on (brine jobs kill "
                + jid
                + " TARGET)");
      }
      throw e;
    }
    List<String> running = new ArrayList<>();
    for (String id : MinionQuery.ids(job.path("minions"))) {
      if (!job.path("returns").has(id)) {
        running.add(id);
      }
    }
    for (String id : MinionQuery.ids(job.path("missing"))) {
      if (!job.path("returns").has(id) && !running.contains(id)) {
        running.add(id);
      }
    }
    return running;
  }
}
