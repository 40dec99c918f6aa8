package io.brine.bench.swarm;

import java.nio.file.Path;

/**
 * What one swarm run does.
 *
 * @param masterHost where the master listens for minions
 * @param masterPort its {@code ret_port}
 * @param api the master's operator API, e.g. http://127.0.0.1:8200
 * @param token a token that may publish jobs
 * @param minions how many minions to run
 * @param keys where each minion's key pair is cached between runs ({@code <keys>/m00042/minion})
 * @param keysize bits of the minions' keys when they are first made
 * @param pings how many {@code test.ping} jobs to time
 * @param loops event-loop threads the minions share
 * @param json where to write the figures as JSON, or null
 * @param keysOnly only make the missing keys and stop (so a measured run never waits for them)
 */
public record SwarmOptions(
    String masterHost,
    int masterPort,
    String api,
    String token,
    int minions,
    Path keys,
    int keysize,
    int pings,
    int loops,
    Path json,
    boolean keysOnly) {
  static final String USAGE =
      "usage: Swarm --master HOST:PORT --api URL --token TOKEN --minions N [--keys DIR]"
          + " [--keysize BITS] [--pings N] [--loops N] [--json FILE]\n"
          + "       Swarm --keys-only --minions N [--keys DIR] [--keysize BITS]";

  static SwarmOptions parse(String[] args) {
    String master = null;
    String api = null;
    String token = System.getenv("BRINE_TOKEN");
    int minions = 0;
    Path keys = Path.of(System.getProperty("java.io.tmpdir"), "brine-swarm-keys");
    int keysize = 2048;
    int pings = 20;
    int loops = Runtime.getRuntime().availableProcessors();
    Path json = null;
    boolean keysOnly = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--keys-only")) {
        keysOnly = true;
        continue;
      }
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) {
        throw new IllegalArgumentException(args[i] + " needs a value\n" + USAGE);
      }
      switch (args[i]) {
        case "--master" -> master = value;
        case "--api" -> api = value;
        case "--token" -> token = value;
        case "--minions" -> minions = Integer.parseInt(value);
        case "--keys" -> keys = Path.of(value);
        case "--keysize" -> keysize = Integer.parseInt(value);
        case "--pings" -> pings = Integer.parseInt(value);
        case "--loops" -> loops = Integer.parseInt(value);
        case "--json" -> json = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
      i++;
    }
    if (keysOnly && minions >= 1) {
      return new SwarmOptions(
          null, 0, null, null, minions, keys, keysize, 0, loops, null, true);
    }
    if (master == null || api == null || token == null || minions < 1 || !master.contains(":")) {
      throw new IllegalArgumentException(USAGE);
    }
    int colon = master.lastIndexOf(':');
    return new SwarmOptions(
        master.substring(0, colon),
        Integer.parseInt(master.substring(colon + 1)),
        api,
        token,
        minions,
        keys,
        keysize,
        pings,
        loops,
        json,
        false);
  }
}
