package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.protocol.MinionId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentJobsTest {
  private static RecentJobs.Known job(String jid) {
    return new RecentJobs.Known(
        new JobRecord(
            jid,
            "test.ping",
            List.of(),
            Map.of(),
            "*",
            "glob",
            List.of(MinionId.of("web1")),
            List.of(MinionId.of("web2")),
            Instant.EPOCH));
  }

  @Test
  void targets_areTheMinionsAndTheMissingOnes() {
    assertThat(job("20261202000000000001").targets())
        .containsExactlyInAnyOrder(MinionId.of("web1"), MinionId.of("web2"));
  }

  @Test
  void keepsTheMostRecentlyUsed_andDropsTheLeastRecentlyUsedPastItsCapacity() {
    RecentJobs recent = new RecentJobs(2);
    recent.remember(job("20261202000000000001"));
    recent.remember(job("20261202000000000002"));
    assertThat(recent.get("20261202000000000001")).isPresent(); // now the most recently used
    recent.remember(job("20261202000000000003"));
    assertThat(recent.get("20261202000000000002")).isEmpty();
    assertThat(recent.get("20261202000000000001")).isPresent();
    assertThat(recent.get("20261202000000000003")).isPresent();
  }

  @Test
  void forgets_oneJid_orEveryJidBelowABound() {
    RecentJobs recent = new RecentJobs(8);
    recent.remember(job("20261202000000000001"));
    recent.remember(job("20261202000000000002"));
    recent.remember(job("20261202000000000003"));
    recent.forget("20261202000000000003");
    assertThat(recent.get("20261202000000000003")).isEmpty();
    recent.forgetBelow("20261202000000000002");
    assertThat(recent.get("20261202000000000001")).isEmpty();
    assertThat(recent.get("20261202000000000002")).isPresent();
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new RecentJobs(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
