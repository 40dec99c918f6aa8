package io.brine.protocol.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobPublicationTest {
  private static final String BAD_TS = "job field 'ts' must be a whole number of milliseconds";

  private static JobPublication job() throws Exception {
    return new JobPublication(
        "20261123093000123456",
        Instant.ofEpochMilli(1_795_426_200_123L),
        Target.of("glob", "web*"),
        "cmd.run",
        JobJson.MAPPER.createArrayNode().add("uname -a"),
        JobJson.MAPPER.createObjectNode().put("cwd", "/tmp"),
        Duration.ofSeconds(30));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTrip_keepsEveryField() throws Exception {
    JobPublication job = job();

    JobPublication back = JobPublication.parse(job.toJson());

    assertThat(back).isEqualTo(job);
    assertThat(new String(job.toJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"kind\":\"job\",\"jid\":\"20261123093000123456\",\"ts\":1795426200123,"
                + "\"tgt\":\"web*\",\"tgt_type\":"
                + "\"glob\",\"fun\":\"cmd.run\",\"arg\":[\"uname -a\"],\"kwarg\":{\"cwd\":\"/tmp\"},"
                + "\"timeout\":30}");
  }

  @Test
  void malformedJobs_areRefusedWithOneLine() {
    String good = new String(JobPublicationTest.safe(), StandardCharsets.UTF_8);
    String[][] cases = {
      {good.replace("\"kind\":\"job\"", "\"kind\":\"other\""), "publication is not a job"},
      {good.replace("20261123093000123456", "../../etc"), "job jid must be 20 digits"},
      {good.replace("cmd.run", "cmd.run; rm"), "job fun must look like module.function"},
      {good.replace("\"timeout\":30", "\"timeout\":0"), "job timeout must be 1 s to 1 day"},
      {good.replace("\"ts\":1795426200123,", ""), BAD_TS},
      {good.replace("1795426200123", "1.5"), BAD_TS},
      {good.replace("1795426200123", "\"1795426200123\""), BAD_TS},
      {good.replace("1795426200123", "99999999999999999999999"), BAD_TS},
      {good.replace("1795426200123", "-1"), "job ts must not be before 1970"},
      {good.replace("\"arg\":[\"uname -a\"]", "\"arg\":{}"), "job field 'arg' must be an array"},
      {good.replace("}", ",\"extra\":1}"), "job has an unknown field 'extra'"},
      {good.replace("{", "{\"jid\":\"1\","), "job is not valid JSON"},
      {"[]", "job must be a JSON object"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> JobPublication.parse(utf8(c[0])))
          .as(c[0])
          .isInstanceOf(ProtocolException.class)
          .hasMessage(c[1]);
    }
  }

  private static byte[] safe() {
    try {
      return job().toJson();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
