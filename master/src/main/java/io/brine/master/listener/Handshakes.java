package io.brine.master.listener;

import io.brine.common.log.RefusalLog;
import io.brine.crypto.WeakKeyException;
import io.brine.master.pki.AuthResult;
import io.brine.master.pki.KeysUnavailable;
import io.brine.master.pki.MinionKeyStore;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.MasterHandshake;
import io.brine.protocol.handshake.Session;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.MessageType;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers HELLOs off the event loop. The RSA work (one private-key operation per handshake, plus
 * the PKI folder's file reads and writes) runs on {@code handshake_threads} threads. At most {@code
 * max_pending_handshakes} HELLOs wait or run at once, and at most {@code
 * max_handshakes_per_address} from one IP address: {@link #submit} refuses the next one, and the
 * caller closes that connection, so a storm of minions meets back-pressure rather than a queue that
 * grows until the master runs out of memory, and one host cannot crowd out the rest. Thread-safe.
 */
final class Handshakes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Handshakes.class);

  /** The master's answer to one HELLO: its frame, the new session when accepted, a log word. */
  record Decision(MessageType type, byte[] body, Session session, String verdict, boolean logged) {
    Decision(MessageType type, byte[] body, Session session, String verdict) {
      this(type, body, session, verdict, false);
    }
  }

  private record CachedHandshake(
      KeyPair keys, PreviousMasterKeys previous, MasterHandshake handshake) {}

  private final Supplier<Optional<KeyPair>> masterKey;
  private final Supplier<PreviousMasterKeys> previousKeys;
  private final MinionKeyStore pki;
  private final PublishKeyRotator rotator;
  private final int maxPending;
  private final AddressQuota perAddress;
  private final ExecutorService threads;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong abandoned = new AtomicLong();
  private final AtomicReference<CachedHandshake> cached = new AtomicReference<>();
  private final AtomicLong order = new AtomicLong();
  private final HelloReplays replays = new HelloReplays();
  private final NewKeyRate newKeys;
  private final RefusalLog unrecordedLog;
  private final RefusalLog unavailableLog;

  /**
   * @param masterKey the master's key pair while the vault is unsealed, empty while it is sealed
   * @param previousKeys the master's previous keys still in their grace (the same object until
   *     they change)
   */
  Handshakes(
      Supplier<Optional<KeyPair>> masterKey,
      Supplier<PreviousMasterKeys> previousKeys,
      MinionKeyStore pki,
      PublishKeyRotator rotator,
      int threads,
      int maxPending,
      int maxPerAddress,
      int newKeysPerAddressPerMinute,
      ScheduledExecutorService timer) {
    this.newKeys = new NewKeyRate(newKeysPerAddressPerMinute);
    this.unrecordedLog =
        new RefusalLog(log, "new minion key not recorded:", RefusalLog.DEFAULT_INTERVAL, timer);
    // An outage answers every minion of the fleet at once: one line per interval, not per HELLO.
    this.unavailableLog =
        new RefusalLog(
            log,
            "minion keys unavailable, HELLO answered SEALED:",
            RefusalLog.DEFAULT_INTERVAL,
            timer);
    this.masterKey = masterKey;
    this.previousKeys = previousKeys;
    this.pki = pki;
    this.rotator = rotator;
    this.maxPending = maxPending;
    this.perAddress = new AddressQuota(maxPerAddress);
    // A priority queue (Lane): re-authentications first. Unbounded in type only: what enters it is
    // bounded by max_pending_handshakes plus one per authenticated connection.
    this.threads =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new PriorityBlockingQueue<>(),
            new DefaultThreadFactory("brine-handshake", true));
  }

  /** Why {@link #submit} turned a HELLO away. */
  enum Refusal {
    MAX_PENDING("max_pending_handshakes reached"),
    MAX_PER_ADDRESS("max_handshakes_per_address reached"),
    REPLAYED_NONCE("replayed HELLO (its nonce was seen before)"),
    REPLAYED_TOKEN("replayed HELLO (its token was seen before)");

    final String reason;

    Refusal(String reason) {
      this.reason = reason;
    }
  }

  /** A queued HELLO's answer, or why it was not queued. */
  record Submitted(CompletableFuture<Decision> answer, Refusal refusal) {}

  /**
   * Queues {@code hello} from {@code address}; the answer completes on a handshake thread with the
   * decision, or exceptionally with a {@link CompletionException} whose cause is a {@link
   * ProtocolException} (close the connection), a {@link CancellationException} (nobody waits for
   * the answer any more) or another failure. When a limit is reached, or the HELLO's nonce or token
   * was seen before ({@link HelloReplays}), nothing is queued and the result says why.
   *
   * @param stillWanted asked when a thread takes the HELLO: false (its connection has closed, say
   *     because the minion gave up waiting) skips the RSA work, so a backlog of HELLOs whose
   *     minions have left does not keep the master busy while the ones that wait go unanswered
   * @param reauthentication the HELLO comes over a connection that proved its minion's key
   *     already. It goes in its own lane: it is taken before any stranger's HELLO and counts
   *     against neither {@code max_pending_handshakes} nor the per-address limit, so a flood of
   *     strangers cannot keep connected minions from learning a new publish key. The lane is
   *     bounded by the authenticated connections, each of which has one HELLO in work at most.
   */
  Submitted submit(
      Hello hello, InetAddress address, BooleanSupplier stillWanted, boolean reauthentication) {
    String replayed = replays.replayed(hello);
    if (replayed != null) {
      return new Submitted(
          null, replayed.equals("nonce") ? Refusal.REPLAYED_NONCE : Refusal.REPLAYED_TOKEN);
    }
    Runnable release;
    if (reauthentication) {
      release = () -> {};
    } else {
      if (pending.incrementAndGet() > maxPending) {
        pending.decrementAndGet();
        return new Submitted(null, Refusal.MAX_PENDING);
      }
      if (!perAddress.tryAcquire(address)) {
        pending.decrementAndGet();
        return new Submitted(null, Refusal.MAX_PER_ADDRESS);
      }
      release =
          () -> {
            perAddress.release(address);
            pending.decrementAndGet();
          };
    }
    CompletableFuture<Decision> answer = new CompletableFuture<>();
    Runnable work =
        () -> {
          if (!stillWanted.getAsBoolean()) {
            long skipped = abandoned.incrementAndGet();
            if (skipped == 1 || skipped % 1000 == 0) {
              // A sign the master is behind: minions gave up waiting for their answers.
              log.info(
                  "{} HELLO(s) skipped since the start: their minions closed the"
                      + " connection while the HELLO waited for a handshake thread",
                  skipped);
            }
            answer.completeExceptionally(
                new CancellationException("the HELLO of " + hello.id() + " was abandoned"));
            return;
          }
          try {
            answer.complete(decideUnchecked(hello, address));
          } catch (RuntimeException | Error e) {
            answer.completeExceptionally(e);
          }
        };
    try {
      threads.execute(new Lane(reauthentication ? 0 : 1, order.getAndIncrement(), work));
    } catch (RuntimeException e) { // rejected: the listener is closing
      release.run();
      return new Submitted(CompletableFuture.failedFuture(e), null);
    }
    return new Submitted(answer.whenComplete((d, e) -> release.run()), null);
  }

  /**
   * One HELLO's work in the handshake threads' queue: re-authentications (lane 0) before
   * strangers (lane 1), first come first served within a lane.
   */
  private record Lane(int lane, long order, Runnable work)
      implements Runnable, Comparable<Lane> {
    @Override
    public void run() {
      work.run();
    }

    @Override
    public int compareTo(Lane other) {
      return lane != other.lane ? Integer.compare(lane, other.lane) : Long.compare(order, other.order);
    }
  }

  /** HELLOs waiting or in work now. */
  int pending() {
    return pending.get();
  }

  /** HELLOs skipped because nobody waited for their answer any more, since the start. */
  long abandoned() {
    return abandoned.get();
  }

  private Decision decideUnchecked(Hello hello, InetAddress address) {
    try {
      return decide(hello, address);
    } catch (ProtocolException | IOException e) {
      throw new CompletionException(e);
    }
  }

  Decision decide(Hello hello, InetAddress address) throws ProtocolException, IOException {
    Optional<KeyPair> keys = masterKey.get();
    if (keys.isEmpty()) {
      return new Decision(
          MessageType.SEALED,
          MasterHandshake.sealed(hello, "master vault is sealed"),
          null,
          "sealed");
    }
    MasterHandshake handshake = handshakeFor(keys.get());
    // The publish key is read before the PKI folder decides. A removal deletes the key file
    // first and rotates after, so a key read here that is newer than the removal comes with a
    // decision that sees the file gone: a removed minion is only ever handed an epoch it held.
    PublishKey publishKey = rotator.current();
    AuthResult result;
    try {
      result = pki.authorize(hello, () -> newKeys.tryTake(address));
    } catch (KeysUnavailable e) {
      return unavailable(hello, address, e);
    }
    return switch (result.verdict()) {
      case ACCEPTED -> {
        MasterHandshake.Accepted accepted =
            handshake.welcome(hello, result.acceptedKey(), publishKey);
        yield new Decision(
            MessageType.WELCOME,
            accepted.body(),
            accepted.session(),
            switch (accepted.tokenKey()) {
              case NONE, CURRENT -> "accepted";
              case RETAINED -> "accepted, pinned to a previous master key (sent its key chain)";
              case UNOPENED ->
                  "accepted, but its token opens under no key of this master (pinned to a"
                      + " retired master key?): the minion will refuse the current key";
            });
      }
      case PENDING ->
          refusal(handshake, hello, MessageType.PENDING, "key waits for an operator to accept it");
      case PENDING_FULL ->
          unrecorded(
              handshake,
              hello,
              address,
              "not recorded yet: max_pending_keys keys wait for an operator already");
      case THROTTLED ->
          unrecorded(
              handshake,
              hello,
              address,
              "not recorded yet: too many new ids from this address (max_new_keys_per_address)");
      case REJECTED -> refusal(handshake, hello, MessageType.REJECTED, "key is rejected");
      case DENIED ->
          refusal(
              handshake,
              hello,
              MessageType.DENIED,
              "another key is accepted or pending for this id");
    };
  }

  private static Decision refusal(
      MasterHandshake handshake, Hello hello, MessageType type, String reason)
      throws ProtocolException {
    String verdict = type.name().toLowerCase(Locale.ROOT);
    return new Decision(type, handshake.refuse(hello, type, reason), null, verdict);
  }

  /**
   * A new id the PKI folder did not write. Answered PENDING (the minion retries); logged through a
   * throttle, since a stranger inventing ids would otherwise write a line per HELLO.
   */
  private Decision unrecorded(
      MasterHandshake handshake, Hello hello, InetAddress address, String reason)
      throws ProtocolException {
    unrecordedLog.refused(hello.id() + " from " + address.getHostAddress() + ", " + reason);
    byte[] body = handshake.refuse(hello, MessageType.PENDING, reason);
    return new Decision(MessageType.PENDING, body, null, "pending, not recorded", true);
  }

  /**
   * The key store cannot decide now (a cluster master not unsealed all the way, or cut off from
   * its database): SEALED, so the minion retries later or moves on to the next master, as from a
   * sealed vault. Not a failure of the minion's, so not a closed connection. Logged through a
   * throttle; the stack trace only at debug.
   */
  private Decision unavailable(Hello hello, InetAddress address, KeysUnavailable e) {
    unavailableLog.refused(hello.id() + " from " + address.getHostAddress() + ": " + e.getMessage());
    log.debug("minion keys unavailable for the HELLO of {}", hello.id(), e);
    return new Decision(
        MessageType.SEALED,
        MasterHandshake.sealed(hello, e.answer()),
        null,
        "sealed: " + e.answer(),
        true);
  }

  /**
   * Builds the handshake object once per unseal and master key rotation: it holds the keys'
   * prepared RSA primitives.
   */
  private MasterHandshake handshakeFor(KeyPair keys) {
    PreviousMasterKeys previous = previousKeys.get();
    CachedHandshake c = cached.get();
    if (c != null && c.keys() == keys && c.previous() == previous) {
      return c.handshake();
    }
    // The key and the previous keys are read apart: a rotation in between would pair the old key
    // with chains that end at the new one. Such chains are left out for this one answer (the old
    // key still opens its own minions' tokens), and the pair is not cached.
    RSAPublicKey current = (RSAPublicKey) keys.getPublic();
    List<MasterHandshake.RetainedKey> retained =
        previous.retained().stream().filter(r -> endsAt(r, current)).toList();
    try {
      MasterHandshake handshake = MasterHandshake.create(keys, retained, previous.rotated());
      if (retained.size() != previous.retained().size()) {
        return handshake;
      }
      cached.set(new CachedHandshake(keys, previous, handshake));
      return handshake;
    } catch (WeakKeyException e) {
      throw new IllegalStateException("the master key breaks the key policy", e);
    }
  }

  private static boolean endsAt(MasterHandshake.RetainedKey r, RSAPublicKey key) {
    RSAPublicKey last = r.chain().get(r.chain().size() - 1).successor();
    return last.getModulus().equals(key.getModulus())
        && last.getPublicExponent().equals(key.getPublicExponent());
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
