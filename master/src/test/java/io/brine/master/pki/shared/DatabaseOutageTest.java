package io.brine.master.pki.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.master.pki.KeysUnavailable;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The handshakes' memory of an unreachable database, on a clock the test moves. */
class DatabaseOutageTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final DatabaseOutage outage = new DatabaseOutage(now::get);
  private final KeysUnavailable refused =
      new KeysUnavailable(
          "minion key store (PostgreSQL) unreachable: Connection refused",
          SqlFailure.UNREACHABLE,
          new IllegalStateException("the driver's"));

  @Test
  void reachable_everyHandshakeAsksTheDatabase_noneIsTheProbe() throws Exception {
    assertThat(outage.before()).isFalse();
    outage.after(false, null);
    assertThat(outage.before()).isFalse();
  }

  @Test
  void afterAnUnreachableFinding_handshakesAreAnsweredFromIt_withoutAskingTheDatabase()
      throws Exception {
    outage.after(outage.before(), refused);
    now.addAndGet(DatabaseOutage.RECHECK.toNanos() - 1);

    assertThatThrownBy(outage::before)
        .isInstanceOf(KeysUnavailable.class)
        .hasMessage(refused.getMessage())
        .hasNoCause()
        .extracting(e -> ((KeysUnavailable) e).answer())
        .isEqualTo(SqlFailure.UNREACHABLE);
  }

  @Test
  void pastTheRecheck_oneHandshakeProbes_theOthersAreAnsweredMeanwhile_andItsAnswerCounts()
      throws Exception {
    outage.after(outage.before(), refused);
    now.addAndGet(DatabaseOutage.RECHECK.toNanos());

    assertThat(outage.before()).as("the probe").isTrue();
    now.addAndGet(DatabaseOutage.RECHECK.toNanos() * 10); // the probe waits out the pool
    assertThatThrownBy(outage::before).as("one probe at a time").isInstanceOf(KeysUnavailable.class);

    outage.after(true, refused); // still down: a fresh finding
    assertThatThrownBy(outage::before).isInstanceOf(KeysUnavailable.class);

    now.addAndGet(DatabaseOutage.RECHECK.toNanos());
    assertThat(outage.before()).isTrue();
    outage.after(true, null); // back
    assertThat(outage.before()).as("every handshake asks again").isFalse();
    assertThat(outage.before()).isFalse();
  }
}
