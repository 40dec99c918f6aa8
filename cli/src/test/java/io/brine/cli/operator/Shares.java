package io.brine.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.Cli.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what the commands print: shares, tokens, table values. */
final class Shares {
  private Shares() {}

  /** The hex shares printed as "<label> 1: <hex>", in order. */
  static List<String> keys(Result result, String label) {
    Matcher matcher =
        Pattern.compile("(?m)^" + label + " (\\d+): ([0-9a-f]+)$").matcher(result.out());
    List<String> keys = new ArrayList<>();
    while (matcher.find()) {
      assertThat(Integer.parseInt(matcher.group(1)))
          .as(result.toString())
          .isEqualTo(keys.size() + 1);
      keys.add(matcher.group(2));
    }
    return keys;
  }

  /** The value of a table row, e.g. value(result, "Nonce"). */
  static String value(Result result, String key) {
    Matcher matcher =
        Pattern.compile("(?m)^" + Pattern.quote(key) + " {2,}(\\S+)$").matcher(result.out());
    assertThat(matcher.find()).as("row '%s' in%n%s", key, result).isTrue();
    return matcher.group(1);
  }

  static String rootToken(Result result) {
    Matcher matcher = Pattern.compile("(?m)^Initial Root Token: (\\S+)$").matcher(result.out());
    assertThat(matcher.find()).as(result.toString()).isTrue();
    return matcher.group(1);
  }
}
