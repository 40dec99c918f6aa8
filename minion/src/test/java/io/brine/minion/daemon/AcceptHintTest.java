package io.brine.minion.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.protocol.MinionId;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: the minion's log line for a DENIED key told the operator to run {@code brine key -a
 * ID}, which moves pending keys only (as {@code salt-key -a}) and so failed; the hint now names the
 * flag {@code brine key} needs for each refusal (KeyCommandTest runs those commands).
 */
class AcceptHintTest {
  private static final MinionId WEB1 = MinionId.of("web1");

  @Test
  void aDeniedKey_isAcceptedWithIncludeDenied() {
    assertThat(MinionDaemon.acceptHint("DENIED", WEB1))
        .contains("(brine key -a web1 --include-denied)");
  }

  @Test
  void aRejectedKey_isAcceptedWithIncludeRejected() {
    assertThat(MinionDaemon.acceptHint("REJECTED", WEB1))
        .contains("(brine key -a web1 --include-rejected)")
        .doesNotContain("--include-denied");
  }
}
