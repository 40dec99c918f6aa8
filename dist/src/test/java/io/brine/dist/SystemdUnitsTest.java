package io.brine.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What docs/security.md says the shipped master unit does, it does: every {@code `Directive=value`}
 * the page quotes is a line of the unit's {@code [Service]} section. Issue 14 found the page
 * promising {@code LimitCORE=0} in a unit that lacked it. ({@code DistributionIT} runs {@code
 * systemd-analyze verify} on the units for their syntax.)
 */
class SystemdUnitsTest {
  private static final Path MASTER_UNIT = Path.of("src/dist/systemd/brine-master.service");
  private static final Path SECURITY_MD = Path.of("../docs/security.md");

  /** A systemd directive in backquotes, e.g. `LimitCORE=0`. */
  private static final Pattern DIRECTIVE = Pattern.compile("`([A-Z][A-Za-z]+=[^`\\s]*)`");

  @Test
  void everyUnitSettingSecurityMdNames_isInTheMastersServiceSection() throws Exception {
    List<String> named = new ArrayList<>();
    Matcher m = DIRECTIVE.matcher(Files.readString(SECURITY_MD));
    while (m.find()) {
      named.add(m.group(1));
    }

    assertThat(named).as("directives quoted in docs/security.md").contains("LimitCORE=0");
    assertThat(serviceSection(Files.readAllLines(MASTER_UNIT))).containsAll(named);
  }

  private static List<String> serviceSection(List<String> unit) {
    List<String> lines = new ArrayList<>();
    boolean inService = false;
    for (String line : unit) {
      String t = line.strip();
      if (t.startsWith("[")) {
        inService = t.equals("[Service]");
      } else if (inService && !t.isEmpty() && !t.startsWith("#")) {
        lines.add(t);
      }
    }
    return lines;
  }
}
