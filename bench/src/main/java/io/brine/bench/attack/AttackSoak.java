package io.brine.bench.attack;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.wire.MessageType;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The long soak of issue 14's attacks against real processes: a {@code brine master} and one or
 * more {@code brine minion}s in a folder of their own, every attack at once, each from its own
 * loopback address at its own rate, for {@code --seconds}, while {@code test.ping} goes to every
 * minion through the operator API once a second. The suite's tests (ListenerAttacksTest,
 * ImpersonationEndToEndTest, UnsealFloodTest, TokenFloodTest, ApiResourceLimitsTest, ...) make
 * each attack for seconds; this makes them together for minutes, looking for what only time and
 * mixing show: growth, a stack trace, a ping lost. It prints a table ({@link SoakReport}) and
 * exits 0 on PASS, 1 on FAIL, 2 on bad arguments.
 *
 * <p>bench/attack-soak.sh runs it in a temporary folder; by hand, after {@code ./mvnw -B -q
 * package -DskipTests}:
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.brine.bench.attack.AttackSoak \
 *       --work /tmp/soak --brine-jar cli/target/brine-cli.jar --seconds 300
 * </pre>
 */
public final class AttackSoak {
  private static final Duration MINION_START_LIMIT = Duration.ofSeconds(120);
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
  private static final int STRANGER_KEY_BITS = 2048;

  /** The operators' vault: 3 shares, 2 to unseal, so a random share could spoil a quorum. */
  private static final int SHARES = 3;

  private static final int THRESHOLD = 2;

  /** Fresh ids come from this many addresses (127.0.0.10 on), each with its own rate bucket. */
  private static final int FRESH_ADDRESSES = 4;

  private static final int FIRST_FRESH_ADDRESS = 10;

  /**
   * The fuzzer's mutated HELLOs may be valid and new, and the trickler's HELLO is a new id once:
   * their addresses write keys too.
   */
  private static final int ADDRESSES_WRITING_KEYS = FRESH_ADDRESSES + 2;

  private final SoakOptions options;

  public AttackSoak(SoakOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    SoakOptions options;
    try {
      options = SoakOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    SoakReport report;
    try {
      report = new AttackSoak(options).run();
    } catch (Exception e) {
      // The setup failed (the master did not start, the operators could not unseal, a minion did
      // not authenticate): that is a FAIL too, with its one line.
      System.out.println("FAIL: the soak could not run: " + e.getMessage());
      System.exit(1);
      return;
    }
    System.out.print(report.table());
    System.exit(report.passed() ? 0 : 1);
  }

  /** The minions' ids: soak-minion-1 ... */
  private List<String> minionIds() {
    return IntStream.rangeClosed(1, options.minions()).mapToObj(i -> "soak-minion-" + i).toList();
  }

  public SoakReport run() throws Exception {
    SoakTarget.Timeouts timeouts = options.timeouts();
    List<String> ids = minionIds();
    SoakMaster.Settings settings =
        new SoakMaster.Settings(
            options.masterKeysize(),
            timeouts,
            options.timeoutSeconds() == 0,
            options.maxPendingKeys(),
            options.maxNewKeysPerAddress(),
            ids);
    List<SoakMinion> minions = new ArrayList<>();
    RatedAttacks attacks = new RatedAttacks();
    try (SoakMaster master =
            SoakMaster.start(options.brine(), options.work().resolve("master"), settings);
        HeldConnections held = new HeldConnections()) {
      SoakTarget target =
          new SoakTarget(master.minionAddress(), master.apiAddress(), timeouts, held);
      ApiRequestAttack shares = unsealThroughShareFlood(master, target, attacks);

      AtomicReference<byte[]> lastHello = new AtomicReference<>();
      try (FrameTap tap =
          new FrameTap(
              InetAddress.getLoopbackAddress(),
              master.minionAddress().getPort(),
              (direction, frame) -> {
                if (direction == FrameTap.Direction.TO_MASTER
                    && RawFrames.type(frame) == MessageType.HELLO.code()) {
                  lastHello.set(RawFrames.body(frame));
                }
              })) {
        for (int i = 0; i < ids.size(); i++) {
          int port = i == 0 ? tap.port() : master.minionAddress().getPort();
          minions.add(
              SoakMinion.start(
                  options.brine(), options.work().resolve("minion-" + (i + 1)), ids.get(i), port));
        }
        for (SoakMinion m : minions) {
          m.awaitAuthenticated(MINION_START_LIMIT);
        }
        return soak(master, minions, target, attacks, shares, lastHello);
      } finally {
        // Before the master, so that the kept logs do not end with the minions losing it.
        attacks.stop(STOP_LIMIT);
        minions.forEach(SoakMinion::close);
      }
    } finally {
      attacks.stop(STOP_LIMIT);
      minions.forEach(SoakMinion::close);
    }
  }

  /**
   * Issue 14 §3 with real processes: the random-share flood starts before the operators unseal,
   * and their two real shares must open the vault through it. It goes on for the whole soak.
   */
  private ApiRequestAttack unsealThroughShareFlood(
      SoakMaster master, SoakTarget target, RatedAttacks attacks) throws Exception {
    JsonNode init = master.init(SHARES, THRESHOLD);
    ApiRequestAttack shares = ApiRequestAttack.randomShares(target, Strangers.loopback(7));
    attacks.start(shares, options.rate("shares"));
    // The operators' shares go in once the flood is under way (at rate 0, after the wait).
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (shares.outcomes().attempts() < 10 && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    boolean unsealed = false;
    for (int i = 0; i < THRESHOLD; i++) {
      unsealed = master.unseal(init.path("keys").get(i).asText());
    }
    if (!unsealed) {
      throw new IllegalStateException(
          "the operators' " + THRESHOLD + " shares did not unseal the vault through the flood");
    }
    master.awaitMasterKey();
    return shares;
  }

  private SoakReport soak(
      SoakMaster master,
      List<SoakMinion> minions,
      SoakTarget target,
      RatedAttacks attacks,
      ApiRequestAttack shares,
      AtomicReference<byte[]> lastHello)
      throws Exception {
    RSAPublicKey minionKey = Pem.readPublicKey(Files.readString(minions.get(0).publicKey()));
    RSAPublicKey masterKey = Pem.readPublicKey(Files.readString(master.masterPub()));
    KeyPair stranger = RsaKeys.generate(STRANGER_KEY_BITS);
    byte[] strangerHello = hello("soak-stranger", stranger);
    Random random = new Random(options.seed());
    List<InetAddress> freshFrom =
        IntStream.range(FIRST_FRESH_ADDRESS, FIRST_FRESH_ADDRESS + FRESH_ADDRESSES)
            .mapToObj(Strangers::loopback)
            .toList();
    FreshIdAttack fresh = new FreshIdAttack(target, freshFrom, stranger, new Random(random.nextLong()));
    List<Attack> all =
        List.of(
            new ImpostorAttack(
                target, Strangers.loopback(2), MinionId.of(minions.get(0).id()), minionKey, masterKey),
            new ReplayAttack(target, Strangers.loopback(3), lastHello::get),
            new FuzzAttack(target, Strangers.loopback(4), strangerHello, new Random(random.nextLong())),
            new SlowStrangerAttack(SlowStrangerAttack.Mode.IDLE, target, Strangers.loopback(5)),
            new TrickleAttack(target, Strangers.loopback(6), () -> hello("soak-trickler", stranger)),
            fresh,
            ApiRequestAttack.wrongTokens(target, Strangers.loopback(8)),
            new SlowStrangerAttack(
                SlowStrangerAttack.Mode.SLOWLORIS, target, Strangers.loopback(9)));
    List<String> rateNames =
        List.of("impostor", "replayer", "fuzz", "idle", "trickle", "fresh", "tokens", "slowloris");

    ProcStatus start = ProcStatus.of(master.pid());
    long peak = start.rssBytes();
    PingChecker checker = new PingChecker(master.api(), minions.stream().map(SoakMinion::id).toList());
    long began = System.nanoTime();
    for (int i = 0; i < all.size(); i++) {
      attacks.start(all.get(i), options.rate(rateNames.get(i)));
    }
    checker.start();
    long end = began + Duration.ofSeconds(options.seconds()).toNanos();
    boolean alive = true;
    while (System.nanoTime() < end && alive) {
      Thread.sleep(1000);
      alive = master.alive() && minions.stream().allMatch(SoakMinion::alive);
      if (alive) {
        peak = Math.max(peak, ProcStatus.of(master.pid()).rssBytes());
      }
    }
    attacks.stop(STOP_LIMIT);
    fresh.close();
    PingChecker.Result pings = checker.stop();
    double attackSeconds = (System.nanoTime() - began) / 1e9;
    // Every connection still held must now be closed by the master within its deadline.
    target.held().drain(HeldConnections.deadline(target.timeouts().longest()).plusSeconds(2));

    alive = alive && master.alive() && minions.stream().allMatch(SoakMinion::alive);
    ProcStatus last = master.alive() ? ProcStatus.of(master.pid()) : new ProcStatus(0, 0);
    peak = Math.max(peak, last.rssBytes());
    long minionStack = 0;
    long lost = 0;
    for (SoakMinion m : minions) {
      minionStack += LogLines.count(m.log(), LogLines.STACK_FRAME);
      lost += LogLines.count(m.log(), SoakMinion.LOST);
    }
    long minutes = (long) Math.ceil(attackSeconds / 60);
    long rateBound = (long) ADDRESSES_WRITING_KEYS * options.maxNewKeysPerAddress() * (1 + minutes);
    List<Outcomes> outcomes = new ArrayList<>();
    outcomes.add(shares.outcomes());
    all.forEach(a -> outcomes.add(a.outcomes()));
    return new SoakReport(
        options,
        attackSeconds,
        outcomes,
        pings,
        start,
        last,
        peak,
        LogLines.count(master.log(), " WARN "),
        LogLines.count(master.log(), LogLines.STACK_FRAME),
        minionStack,
        lost,
        fileCount(master.pendingKeys()),
        Math.min(options.maxPendingKeys(), rateBound),
        alive);
  }

  /** A stranger's HELLO on first contact (no token), with a fresh nonce. */
  private static byte[] hello(String id, KeyPair keys) {
    try {
      return MinionHandshake.start(MinionId.of(id), keys, MasterTrust.firstContact()).hello();
    } catch (io.brine.crypto.WeakKeyException e) {
      // The soak's own 2048-bit key: never weak.
      throw new IllegalStateException("cannot make a HELLO: " + e.getMessage(), e);
    }
  }

  private static long fileCount(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }
}
