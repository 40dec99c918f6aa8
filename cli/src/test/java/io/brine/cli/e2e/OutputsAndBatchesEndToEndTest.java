package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's outputs, streaming and batches with a real master and three real minions: Salt's json
 * shape streamed and --static, batches one at a time (checked from the master's own times of each
 * job's start and each return, not from the wall clock), --failhard, and jobs show of a running
 * job.
 */
class OutputsAndBatchesEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> IDS = List.of("db1", "web1", "web2");

  @TempDir static Path dir;

  private static MasterProcess master;
  private static String token;
  private static final Map<String, MinionProcess> minions = new TreeMap<>();
  private final Cli cli = new Cli();

  @BeforeAll
  static void masterAndMinions() throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "cachedir: " + dir.resolve("master/cache") + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    token = master.initAndUnseal();
    for (String id : IDS) {
      minions.put(id, MinionProcess.start(dir.resolve("minion-" + id), id, master.minionPort()));
    }
    for (MinionProcess m : minions.values()) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (m.count("authenticated to master") < 1) {
        assertThat(System.nanoTime() < deadline).as(m.log()).isTrue();
        Thread.sleep(50);
      }
    }
  }

  @AfterAll
  static void stop() {
    minions.values().forEach(MinionProcess::close);
    if (master != null) {
      master.close();
    }
  }

  private Cli cli() {
    return cli.env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  @Test
  void outJson_isOneObjectPerMinionAsItReturns_andWithStatic_oneObjectForAll() throws Exception {
    Result streamed = cli().run("run", "*", "test.ping", "--out", "json");
    Result whole = cli().run("run", "*", "test.ping", "--out", "json", "--static");
    Result compact =
        cli().run("run", "*", "test.ping", "--out", "json", "--static", "--out-indent", "-1");

    assertThat(streamed.exitCode()).as(streamed.toString()).isZero();
    List<JsonNode> documents = documents(streamed.out());
    assertThat(documents).hasSize(3).allSatisfy(d -> assertThat(d.size()).isEqualTo(1));
    assertThat(documents.stream().map(d -> d.fieldNames().next()).sorted().toList())
        .isEqualTo(IDS);
    assertThat(whole.exitCode()).as(whole.toString()).isZero();
    assertThat(documents(whole.out())).hasSize(1);
    assertThat(JSON.readTree(whole.out()).toString())
        .isEqualTo("{\"db1\":true,\"web1\":true,\"web2\":true}");
    assertThat(compact.out()).isEqualTo("{\"db1\": true, \"web1\": true, \"web2\": true}\n");
  }

  @Test
  void theOtherOutputters_verbose_andAnOutFile() throws Exception {
    Path file = dir.resolve("out.txt");
    Result txt = cli().run("run", "web1", "test.echo", "hello", "--out", "txt");
    Result raw = cli().run("run", "web1", "test.echo", "hello", "--out", "raw");
    Result quiet = cli().run("run", "web1", "test.echo", "hello", "--out", "quiet");
    Result verbose = cli().run("run", "web1", "test.ping", "-v");
    Result toFile = cli().run("run", "web1", "test.ping", "--out-file", file.toString());
    Result wrong = cli().run("run", "web1", "test.ping", "--out", "pprint");
    Result highstate = cli().run("run", "web1", "test.ping", "--out", "highstate");

    assertThat(txt.out()).isEqualTo("web1: hello\n");
    assertThat(raw.out()).isEqualTo("{'web1': 'hello'}\n");
    assertThat(quiet.exitCode()).isZero();
    assertThat(quiet.out()).isEmpty();
    assertThat(verbose.out())
        .matches("(?s)Executing job with jid \\d{20}\n-{43}\n\nweb1:\n    True\n");
    assertThat(toFile.out()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo("web1:\n    True\n");
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("--out must be one of nested, json");
    // Salt's highstate outputter prints a return that is no state run as nested.
    assertThat(highstate.out()).isEqualTo("web1:\n    True\n");
  }

  @Test
  void aBatchOfOne_runsTheMinionsOneAfterTheOther() throws Exception {
    Result r = cli().run("run", "*", "test.sleep", "0.3", "-b", "1", "-v");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(count(r.out(), "Executing run on \\['[a-z0-9]+'\\]")).isEqualTo(3);
    List<String> jids = jids(r.out());
    assertThat(jids).hasSize(3);
    // By the master's clock: each job starts only after the one before has returned.
    for (int i = 1; i < jids.size(); i++) {
      Instant returned = returnedAt(jids.get(i - 1));
      Instant started = Instant.parse(job(jids.get(i)).path("started").asText());
      assertThat(started).as("job %d starts after job %d returned", i, i - 1)
          .isAfterOrEqualTo(returned);
    }
  }

  @Test
  void aBatchWithJson_streamsOneObjectPerMinion_andAShareOfTheMinionsRunsTogether()
      throws Exception {
    Result r = cli().run("run", "*", "test.ping", "-b", "67%", "--out", "json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(documents(r.out())).hasSize(3);
    // Two of three at once: the first start names two minions, the second the last one.
    assertThat(r.err()).contains("Executing run on ['db1', 'web1']", "Executing run on ['web2']");
  }

  @Test
  void aFailingMinion_doesNotStopABatch_unlessFailhard() throws Exception {
    Result all = cli().run("run", "*", "cmd.run", "exit 2", "-b", "1");
    Result failhard = cli().run("run", "*", "cmd.run", "exit 2", "-b", "1", "--failhard");

    assertThat(all.exitCode()).as(all.toString()).isEqualTo(4);
    assertThat(count(all.out(), "Executing run on")).isEqualTo(3);
    assertThat(failhard.exitCode()).as(failhard.toString()).isEqualTo(4);
    assertThat(count(failhard.out(), "Executing run on")).isEqualTo(1);
    assertThat(failhard.err())
        .contains("--failhard: a minion failed, so the job did not start on web1, web2");
  }

  @Test
  void jobsShow_ofARunningJob_saysStillRunning_andWithWait_followsItToItsReturn()
      throws Exception {
    Result started = cli().run("run", "web2", "test.sleep", "3", "--async");
    Matcher m = Pattern.compile("job ID: (\\d{20})").matcher(started.out());
    assertThat(m.find()).as(started.toString()).isTrue();
    String jid = m.group(1);

    Result running = cli().run("jobs", "show", jid);
    Result followed = cli().run("jobs", "show", jid, "--wait", "--out", "json");

    assertThat(running.exitCode()).as(running.toString()).isEqualTo(5);
    assertThat(running.out())
        .contains("web2:\n    Minion is still running the job. [Running]")
        .doesNotContain("did not return");
    assertThat(followed.exitCode()).as(followed.toString()).isZero();
    assertThat(JSON.readTree(followed.out()).toString()).isEqualTo("{\"web2\":true}");
  }

  private static List<JsonNode> documents(String text) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(text)) {
      it.forEachRemaining(all::add);
    }
    return all;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static List<String> jids(String out) {
    List<String> jids = new ArrayList<>();
    Matcher m = Pattern.compile("Executing job with jid (\\d{20})").matcher(out);
    while (m.find()) {
      jids.add(m.group(1));
    }
    return jids;
  }

  private static Instant returnedAt(String jid) throws Exception {
    JsonNode returns = job(jid).path("returns");
    assertThat(returns.size()).isEqualTo(1);
    return Instant.parse(returns.elements().next().path("received").asText());
  }

  private static JsonNode job(String jid) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(master.address() + "/v1/brine/jobs?jid=" + jid))
                    .header("X-Vault-Token", token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
