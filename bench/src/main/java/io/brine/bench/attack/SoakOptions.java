package io.brine.bench.attack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one soak does.
 *
 * @param seconds how long the attacks run (the setup before and the draining after are extra)
 * @param work the folder for the master, the minions and their logs (bench/attack-soak.sh makes
 *     a temporary one)
 * @param brine how to run {@code brine}
 * @param minions how many real minions; the first is behind the frame tap, and the impostor and
 *     the replayer take its id
 * @param masterKeysize bits of the master's key, made at the first unseal
 * @param timeoutSeconds the master's stranger timeouts ({@code hello_timeout}, {@code
 *     confirm_timeout}, {@code partial_frame_timeout}, {@code http_read_header_timeout} and
 *     {@code http_read_timeout}) all set to this; 0: the master's defaults
 * @param maxPendingKeys the master's {@code max_pending_keys}
 * @param maxNewKeysPerAddress the master's {@code max_new_keys_per_address}
 * @param rates attempts a second of each attack, by name ({@link #DEFAULT_RATES})
 * @param maxRssGrowthMiB the master's RSS may grow this much over the soak, else FAIL
 * @param maxThreadGrowth the master's live threads may grow this much over the soak, else FAIL
 * @param seed the fuzzer's random seed, printed so that a run can be repeated
 */
record SoakOptions(
    int seconds,
    Path work,
    BrineCommand brine,
    int minions,
    int masterKeysize,
    int timeoutSeconds,
    int maxPendingKeys,
    int maxNewKeysPerAddress,
    Map<String, Double> rates,
    int maxRssGrowthMiB,
    int maxThreadGrowth,
    long seed) {

  /**
   * Attempts a second by default. Held connections add up to rate times the timeout that closes
   * them: 30 idle strangers a second for 10 s pass the default 256 per address, so the cap is
   * met; 5 slowloris connections a second pass the API's 32 per address.
   */
  static final Map<String, Double> DEFAULT_RATES = defaultRates();

  static final String USAGE =
      "usage: AttackSoak --work DIR --brine-jar FILE [--seconds N] [--minions N]"
          + " [--master-keysize BITS] [--timeouts SECONDS] [--max-pending-keys N]"
          + " [--max-new-keys-per-address N] [--rate ATTACK=PER_SECOND]..."
          + " [--max-rss-growth-mib N] [--max-thread-growth N] [--seed N]\n"
          + "       attacks: " + String.join(", ", DEFAULT_RATES.keySet());

  private static Map<String, Double> defaultRates() {
    Map<String, Double> rates = new LinkedHashMap<>();
    rates.put("impostor", 10.0);
    rates.put("replayer", 10.0);
    rates.put("fuzz", 20.0);
    rates.put("idle", 30.0);
    rates.put("trickle", 2.0);
    rates.put("fresh", 20.0);
    rates.put("shares", 5.0);
    rates.put("tokens", 20.0);
    rates.put("slowloris", 5.0);
    return java.util.Collections.unmodifiableMap(rates);
  }

  double rate(String attack) {
    return rates.get(attack);
  }

  SoakTarget.Timeouts timeouts() {
    return timeoutSeconds == 0
        ? SoakTarget.Timeouts.DEFAULTS
        : SoakTarget.Timeouts.all(Duration.ofSeconds(timeoutSeconds));
  }

  static SoakOptions parse(String[] args) {
    int seconds = 300;
    Path work = null;
    BrineCommand brine = null;
    int minions = 1;
    int masterKeysize = 4096;
    int timeouts = 0;
    int maxPendingKeys = 500;
    int maxNewKeys = 120;
    Map<String, Double> rates = new LinkedHashMap<>(DEFAULT_RATES);
    int maxRssGrowth = 300;
    int maxThreadGrowth = 64;
    long seed = new java.security.SecureRandom().nextLong();
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) {
        throw new IllegalArgumentException(args[i] + " needs a value\n" + USAGE);
      }
      try {
        switch (args[i]) {
          case "--seconds" -> seconds = positive(args[i], value);
          case "--work" -> work = Path.of(value);
          case "--brine-jar" -> brine = BrineCommand.jar(Path.of(value));
          case "--brine-class-path" -> brine = BrineCommand.classPath(value);
          case "--minions" -> minions = positive(args[i], value);
          case "--master-keysize" -> masterKeysize = positive(args[i], value);
          case "--timeouts" -> timeouts = Integer.parseInt(value);
          case "--max-pending-keys" -> maxPendingKeys = positive(args[i], value);
          case "--max-new-keys-per-address" -> maxNewKeys = positive(args[i], value);
          case "--max-rss-growth-mib" -> maxRssGrowth = positive(args[i], value);
          case "--max-thread-growth" -> maxThreadGrowth = positive(args[i], value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--rate" -> {
            int eq = value.indexOf('=');
            String name = eq < 0 ? value : value.substring(0, eq);
            if (eq < 0 || !rates.containsKey(name)) {
              throw new IllegalArgumentException(
                  "--rate takes ATTACK=PER_SECOND, ATTACK one of " + rates.keySet());
            }
            double rate = Double.parseDouble(value.substring(eq + 1));
            if (!(rate >= 0)) {
              throw new IllegalArgumentException("--rate " + name + " must be 0 or more");
            }
            rates.put(name, rate);
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(args[i] + " takes a number, not '" + value + "'\n" + USAGE);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE);
      }
    }
    if (work == null || brine == null) {
      throw new IllegalArgumentException("--work and --brine-jar are required\n" + USAGE);
    }
    if (timeouts < 0) {
      throw new IllegalArgumentException("--timeouts must be 0 (the defaults) or more\n" + USAGE);
    }
    return new SoakOptions(
        seconds,
        work,
        brine,
        minions,
        masterKeysize,
        timeouts,
        maxPendingKeys,
        maxNewKeys,
        java.util.Collections.unmodifiableMap(rates),
        maxRssGrowth,
        maxThreadGrowth,
        seed);
  }

  private static int positive(String option, String value) {
    int n = Integer.parseInt(value);
    if (n < 1) {
      throw new IllegalArgumentException(option + " must be 1 or more");
    }
    return n;
  }
}
