package io.brine.bench.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MasterProcessStatsTest {
  @Test
  void cpuTicks_addsUtimeAndStime_evenWithSpacesAndParenthesesInTheName() {
    // Fields 14 (utime) and 15 (stime) are 1234 and 56.
    String stat =
        "4242 (java (brine) x) S 1 4242 4242 0 -1 4194560 9000 0 3 0 1234 56 0 0 20 0 40 0"
            + " 123456 5000000000 70000 18446744073709551615 1 1 0 0 0 0 0 3 16800975 0 0 0 17 1"
            + " 0 0 0 0 0\n";

    assertThat(MasterProcessStats.cpuTicks(stat)).isEqualTo(1290);
  }

  @Test
  void cpuTicks_refusesATruncatedLine() {
    assertThatThrownBy(() -> MasterProcessStats.cpuTicks("4242 (java) S 1 2 3"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vmRss_isReadInKiB() {
    String status = "Name:\tjava\nVmPeak:\t 9999999 kB\nVmRSS:\t  345678 kB\nRssAnon:\t 1 kB\n";

    assertThat(MasterProcessStats.vmRssKiB(status)).isEqualTo(345678);
  }

  @Test
  void histogramTotal_isTheBytesColumnOfTheLastTotalLine() {
    String histogram =
        String.join(
            "\n",
            "4242:",
            " num     #instances         #bytes  class name (module)",
            "-------------------------------------------------------",
            "   1:         51234        4567890  [B (java.base@17.0.15)",
            "   2:          1200          28800  Total (a class named Total)",
            "Total        123456       12345678",
            "");

    assertThat(MasterProcessStats.histogramTotalBytes(histogram)).isEqualTo(12345678);
  }

  @Test
  void histogramTotal_refusesAnErrorMessage() {
    assertThatThrownBy(
            () -> MasterProcessStats.histogramTotalBytes("4242:\ncom.sun.tools.attach failed\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
