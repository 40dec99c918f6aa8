package io.brine.master.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class AuditRecordTest {
  @Test
  void toString_showsNeitherTheTokenNorTheData() throws Exception {
    ObjectMapper json = new ObjectMapper();
    AuditRecord record =
        new AuditRecord(
            "id-1",
            "update",
            "sys/unseal",
            "127.0.0.1",
            4242,
            null,
            json.readTree("{\"key\":\"the-unseal-share\"}"),
            json.readTree("{\"auth\":{\"client_token\":\"s.newtoken\"}}"),
            null,
            "s.callerstoken");

    assertThat(record.toString())
        .contains("id-1", "sys/unseal")
        .doesNotContain("s.callerstoken")
        .doesNotContain("the-unseal-share")
        .doesNotContain("s.newtoken");
  }
}
