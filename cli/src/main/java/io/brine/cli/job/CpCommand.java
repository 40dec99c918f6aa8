package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.Brine;
import io.brine.cli.CliException;
import io.brine.cli.output.OutputOptions;
import io.brine.cli.output.Outputter;
import io.brine.cli.operator.OperatorClient;
import io.brine.master.jobs.JobPublisher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code brine cp TARGET SRC DEST}: Salt's salt-cp, always chunked. The file goes to the master's
 * staging area through the operator API ({@link Upload}: chunks, several in flight, its SHA-256
 * declared first and checked by the master), then a {@code cp.recv} job tells each targeted minion
 * to pull it over its session and write it atomically at DEST with its mode (the source's unless
 * {@code --mode}) and owner. Each minion answers Salt's {@code {dest: true}}. The staged file is
 * removed when the job is done, and expires on the master in any case.
 */
@Command(
    name = "cp",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a file to the minions that match TARGET, as Salt's salt-cp (chunked, SHA-256 checked,"
          + " written atomically).",
      "DEST is absolute; an existing folder (or one ending in /) gets SRC's file name. DEST's"
          + " folder must exist. Needs a token that may publish jobs (BRINE_TOKEN)."
    },
    footer = {
      "",
      "Exit codes: 0 every minion wrote the file, 1 error (bad usage too),",
      "            3 no minion matched (nothing sent), 4 a minion failed or timed out."
    })
public final class CpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ApiOptions api;

  @Option(names = {"-L", "--list"}, description = "TARGET is a comma-separated list of ids.")
  boolean list;

  @Option(names = {"-E", "--pcre"}, description = "TARGET is a regular expression.")
  boolean pcre;

  @Option(names = {"-G", "--grain"}, description = "TARGET is a grain (os:Debian).")
  boolean grain;

  @Option(names = "--grain-pcre", description = "TARGET is a grain regex.")
  boolean grainPcre;

  @Option(names = {"-N", "--nodegroup"}, description = "TARGET is a nodegroup.")
  boolean nodegroup;

  @Option(names = "--compound", description = "TARGET is a compound target.")
  boolean compound;

  @Option(
      names = {"-C", "--chunked"},
      description = "Salt's chunked mode; brine cp always sends chunks (accepted, changes nothing).")
  boolean chunked;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "<seconds>",
      defaultValue = "60",
      description = "How long the minions may take and the command waits (default 60).")
  int timeout;

  @Option(
      names = "--mode",
      paramLabel = "<octal>",
      description = "The file's mode on the minions, e.g. 0640 (default: SRC's).")
  String mode;

  @Option(names = "--user", paramLabel = "<name>", description = "The file's owner on the minions.")
  String user;

  @Option(names = "--group", paramLabel = "<name>", description = "The file's group on the minions.")
  String group;

  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "TARGET", description = "Which minions.")
  String target;

  @Parameters(index = "1", paramLabel = "SRC", description = "The file to copy.")
  Path source;

  @Parameters(index = "2", paramLabel = "DEST", description = "Where it goes on each minion.")
  String dest;

  @Override
  public Integer call() throws InterruptedException {
    Brine brine = (Brine) spec.root().userObject();
    Outputter.Options options = output.options(spec, brine.console() != null);
    String tgtType = targetType();
    if (timeout < 1 || timeout > 86400) {
      throw new ParameterException(spec.commandLine(), "--timeout must be 1 to 86400 seconds");
    }
    if (!dest.startsWith("/")) {
      throw new ParameterException(spec.commandLine(), "DEST must be an absolute path: " + dest);
    }
    if (!Files.isRegularFile(source)) {
      throw new CliException(source + " is not a file (brine cp copies one file)");
    }
    String fileName = source.getFileName().toString();
    OperatorClient client = api.connect(brine.environment());
    PrintWriter err = spec.commandLine().getErr();
    // Staged long enough for the upload's slowest end and the job's whole wait.
    Upload upload = Upload.of(client, source, timeout + Upload.UPLOAD_SECONDS);
    try {
      upload.send();
      Map<String, Object> kwarg = new LinkedHashMap<>();
      kwarg.put("source", upload.source());
      kwarg.put("dest", dest);
      kwarg.put("name", fileName);
      kwarg.put("size", upload.size());
      kwarg.put("sha256", upload.sha256Hex());
      kwarg.put("mode", mode != null ? mode : modeOf(source));
      if (user != null) {
        kwarg.put("user", user);
      }
      if (group != null) {
        kwarg.put("group", group);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("tgt", target);
      body.put("tgt_type", tgtType);
      body.put("fun", "cp.recv");
      body.put("arg", List.of());
      body.put("kwarg", kwarg);
      body.put("timeout", timeout);
      JsonNode published;
      try {
        published = client.put("/v1/brine/jobs", body);
      } catch (OperatorClient.ApiError e) {
        if (e.status() == 400 && e.reason().startsWith(JobPublisher.NoMinionsMatched.PREFIX)) {
          err.println("No minions matched the target. No file was sent.");
          err.println(e.reason());
          err.flush();
          return JobExitCodes.NO_MATCH;
        }
        throw e;
      }
      if (published == null || !published.path("jid").isTextual()) {
        throw new CliException("the master's answer has no job id");
      }
      String jid = published.path("jid").asText();
      PrintWriter out = output.writer(spec.commandLine().getOut());
      try {
        JobOutput printed = new JobOutput(out, err, options, output, brine.console() != null);
        printed.header(jid);
        Set<String> minions = JobWatch.ids(published.path("minions"));
        Set<String> notConnected = JobWatch.ids(published.path("missing"));
        Set<String> late =
            new JobWatch(client, jid).follow(minions, JobWatch.deadline(timeout), printed);
        return printed.finish(
            JobOutput.ordered(late, notConnected),
            notConnected,
            jid,
            minions.size() + notConnected.size());
      } finally {
        if (output.toFile()) {
          out.close();
        }
      }
    } finally {
      upload.discard();
    }
  }

  private String targetType() {
    int given = 0;
    String type = "glob";
    for (Map.Entry<Boolean, String> flag :
        List.of(
            Map.entry(list, "list"),
            Map.entry(pcre, "pcre"),
            Map.entry(grain, "grain"),
            Map.entry(grainPcre, "grain_pcre"),
            Map.entry(nodegroup, "nodegroup"),
            Map.entry(compound, "compound"))) {
      if (flag.getKey()) {
        given++;
        type = flag.getValue();
      }
    }
    if (given > 1) {
      throw new ParameterException(spec.commandLine(), "give one target type at most");
    }
    return type;
  }

  /** SRC's permission bits in octal, as salt-cp carries the source's mode over. */
  static String modeOf(Path file) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return "0644"; // a file system without POSIX modes: Salt's default for a new file
    } catch (IOException e) {
      throw new CliException("cannot read the mode of " + file + ": " + e.getMessage(), e);
    }
    int bits = 0;
    for (PosixFilePermission p : perms) {
      bits |= 0400 >> p.ordinal();
    }
    return String.format("0%03o", bits);
  }
}
