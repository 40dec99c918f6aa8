package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.cli.Brine;
import io.brine.cli.operator.OperatorClient;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code brine jobs active [TARGET]}: Salt's {@code salt-run jobs.active}. Publishes {@code
 * saltutil.running} to the minions (all, or TARGET), merges their answers by jid, and shows each
 * running job with its function and the minions still running it; json and yaml in Salt's shape
 * ({@code Function, Arguments, Target, Target-type, StartTime, Running: [{id: pid}], Returned}).
 */
@Command(
    name = "active",
    mixinStandardHelpOptions = true,
    description = {
      "The jobs running on the minions now, as Salt's `salt-run jobs.active`: asks the minions",
      "(all, or TARGET) with saltutil.running. Needs a token (BRINE_TOKEN)."
    },
    footer = {
      "",
      "Exit codes: 0 every targeted minion answered, 1 error, 3 no minion matched,",
      "            4 a minion did not answer or failed (the list may be incomplete)."
    })
final class ActiveJobs implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ApiOptions api;
  @Mixin TargetOptions targetOptions;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "<seconds>",
      defaultValue = "10",
      description = "How long to wait for the minions' answers (default 10, Salt's"
          + " gather_job_timeout).")
  int timeout;

  @Option(names = "--out", paramLabel = "<format>", defaultValue = "text",
      description = "text (default), json or yaml.")
  String out;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET",
      description = "Which minions to ask (default: all).")
  String target;

  @Override
  public Integer call() {
    Documents.Format format = Documents.format(spec, out);
    if (timeout < 1 || timeout > 3600) {
      throw new ParameterException(spec.commandLine(), "--timeout must be 1 to 3600 seconds");
    }
    if (target == null && targetOptions.given()) {
      throw new ParameterException(spec.commandLine(), "-L and -E need a TARGET");
    }
    String tgtType = targetOptions.type(spec);
    OperatorClient client = api.connect(((Brine) spec.root().userObject()).environment());
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<MinionQuery.Answers> asked =
        MinionQuery.ask(
            client, target == null ? "*" : target, tgtType, "saltutil.running", List.of(), timeout);
    if (asked.isEmpty()) {
      err.println("No minions matched the target. No command was sent, no jid was assigned.");
      err.flush();
      return JobExitCodes.NO_MATCH;
    }
    MinionQuery.Answers answers = asked.get();
    List<String> failed = new ArrayList<>();
    Map<String, Active> active = merge(answers, err, failed);
    if (format == Documents.Format.TEXT) {
      printText(stdout, active, answers.answers().size());
    } else {
      Documents.print(stdout, format, salts(client, active));
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
    return failed.isEmpty() ? JobExitCodes.OK : JobExitCodes.FAILED;
  }

  /** One running jid: what the first minion said of it, and who runs it with which pid. */
  private record Active(JsonNode data, Map<String, Long> running) {}

  /** The running jobs by jid; a minion whose answer is not a list goes to {@code failed}. */
  private static Map<String, Active> merge(
      MinionQuery.Answers answers, PrintWriter err, List<String> failed) {
    Map<String, Active> active = new LinkedHashMap<>();
    answers
        .answers()
        .forEach(
            (id, ret) -> {
              JsonNode jobs = ret.path("return");
              if (!jobs.isArray()) {
                failed.add(id);
                err.println(id + ": saltutil.running failed: " + jobs.asText());
                return;
              }
              for (JsonNode job : jobs) {
                String jid = job.path("jid").asText();
                active
                    .computeIfAbsent(jid, j -> new Active(job, new LinkedHashMap<>()))
                    .running()
                    .put(id, job.path("pid").asLong());
              }
            });
    err.flush();
    return active;
  }

  private static void printText(PrintWriter out, Map<String, Active> active, int answered) {
    if (active.isEmpty()) {
      out.println(
          "No jobs are running on the "
              + answered
              + (answered == 1 ? " minion" : " minions")
              + " that answered.");
      out.flush();
      return;
    }
    out.printf("%-20s  %-20s  %-24s  %s%n", "JID", "FUNCTION", "TARGET", "RUNNING ON");
    active.forEach(
        (jid, a) ->
            out.printf(
                "%-20s  %-20s  %-24s  %s%n",
                jid,
                a.data().path("fun").asText(),
                target(a.data()),
                String.join(", ", a.running().keySet())));
    out.flush();
  }

  private static String target(JsonNode data) {
    return data.has("tgt") ? data.path("tgt_type").asText() + ":" + data.path("tgt").asText() : "";
  }

  /**
   * Salt's jobs.active document; {@code Returned} lists the minions whose return the job cache
   * holds already (a job it does not hold has none).
   */
  private static ObjectNode salts(OperatorClient client, Map<String, Active> active) {
    ObjectNode doc = Documents.mapper().createObjectNode();
    active.forEach(
        (jid, a) -> {
          ObjectNode job = doc.putObject(jid);
          job.put("Function", a.data().path("fun").asText());
          job.set("Arguments", a.data().path("arg").deepCopy());
          job.put("Target", a.data().path("tgt").asText());
          job.put("Target-type", a.data().path("tgt_type").asText());
          job.put("StartTime", startTime(jid));
          ArrayNode running = job.putArray("Running");
          a.running().forEach((id, pid) -> running.addObject().put(id, pid));
          ArrayNode returned = job.putArray("Returned");
          returned(client, jid).forEach(returned::add);
        });
    return doc;
  }

  private static Set<String> returned(OperatorClient client, String jid) {
    try {
      JsonNode view =
          client.get("/v1/brine/jobs?jid=" + URLEncoder.encode(jid, StandardCharsets.UTF_8));
      return new LinkedHashSet<>(iterable(view.path("returns").fieldNames()));
    } catch (OperatorClient.ApiError e) {
      if (e.status() == 404) {
        return Set.of(); // gone from the cache (expired) while it still runs
      }
      throw e;
    }
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  /** Salt's jid_to_time: "2026, Dec 03 13:21:07.123456" from jid 20261203132107123456. */
  static String startTime(String jid) {
    if (jid.length() < 20 || !jid.substring(0, 20).chars().allMatch(Character::isDigit)) {
      return "";
    }
    String[] months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };
    int month = Integer.parseInt(jid.substring(4, 6));
    if (month < 1 || month > 12) {
      return "";
    }
    return jid.substring(0, 4)
        + ", "
        + months[month - 1]
        + " "
        + jid.substring(6, 8)
        + " "
        + jid.substring(8, 10)
        + ":"
        + jid.substring(10, 12)
        + ":"
        + jid.substring(12, 14)
        + "."
        + jid.substring(14, 20);
  }
}
