package io.brine.master.listener;

import io.brine.crypto.WeakKeyException;
import io.brine.master.pki.AuthResult;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.MasterHandshake;
import io.brine.protocol.handshake.Session;
import io.brine.protocol.wire.MessageType;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
  record Decision(MessageType type, byte[] body, Session session, String verdict) {}

  private record CachedHandshake(KeyPair keys, MasterHandshake handshake) {}

  private final Supplier<Optional<KeyPair>> masterKey;
  private final PkiDirectory pki;
  private final PublishKeyRotator rotator;
  private final int maxPending;
  private final AddressQuota perAddress;
  private final ExecutorService threads;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong abandoned = new AtomicLong();
  private final AtomicReference<CachedHandshake> cached = new AtomicReference<>();

  /**
   * @param masterKey the master's key pair while the vault is unsealed, empty while it is sealed
   */
  Handshakes(
      Supplier<Optional<KeyPair>> masterKey,
      PkiDirectory pki,
      PublishKeyRotator rotator,
      int threads,
      int maxPending,
      int maxPerAddress) {
    this.masterKey = masterKey;
    this.pki = pki;
    this.rotator = rotator;
    this.maxPending = maxPending;
    this.perAddress = new AddressQuota(maxPerAddress);
    this.threads =
        Executors.newFixedThreadPool(threads, new DefaultThreadFactory("brine-handshake", true));
  }

  /** Why {@link #submit} turned a HELLO away. */
  enum Refusal {
    MAX_PENDING("max_pending_handshakes"),
    MAX_PER_ADDRESS("max_handshakes_per_address");

    final String setting;

    Refusal(String setting) {
      this.setting = setting;
    }
  }

  /** A queued HELLO's answer, or why it was not queued. */
  record Submitted(CompletableFuture<Decision> answer, Refusal refusal) {}

  /**
   * Queues {@code hello} from {@code address}; the answer completes on a handshake thread with the
   * decision, or exceptionally with a {@link CompletionException} whose cause is a {@link
   * ProtocolException} (close the connection), a {@link CancellationException} (nobody waits for
   * the answer any more) or another failure. When a limit
   * is reached nothing is queued and the result names the limit.
   *
   * @param stillWanted asked when a thread takes the HELLO: false (its connection has closed, say
   *     because the minion gave up waiting) skips the RSA work, so a backlog of HELLOs whose
   *     minions have left does not keep the master busy while the ones that wait go unanswered
   */
  Submitted submit(Hello hello, InetAddress address, BooleanSupplier stillWanted) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return new Submitted(null, Refusal.MAX_PENDING);
    }
    if (!perAddress.tryAcquire(address)) {
      pending.decrementAndGet();
      return new Submitted(null, Refusal.MAX_PER_ADDRESS);
    }
    Runnable release =
        () -> {
          perAddress.release(address);
          pending.decrementAndGet();
        };
    CompletableFuture<Decision> answer;
    try {
      answer =
          CompletableFuture.supplyAsync(
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
                  throw new CancellationException("the HELLO of " + hello.id() + " was abandoned");
                }
                return decideUnchecked(hello);
              },
              threads);
    } catch (RuntimeException e) { // rejected: the listener is closing
      release.run();
      return new Submitted(CompletableFuture.failedFuture(e), null);
    }
    return new Submitted(answer.whenComplete((d, e) -> release.run()), null);
  }

  /** HELLOs waiting or in work now. */
  int pending() {
    return pending.get();
  }

  /** HELLOs skipped because nobody waited for their answer any more, since the start. */
  long abandoned() {
    return abandoned.get();
  }

  private Decision decideUnchecked(Hello hello) {
    try {
      return decide(hello);
    } catch (ProtocolException | IOException e) {
      throw new CompletionException(e);
    }
  }

  Decision decide(Hello hello) throws ProtocolException, IOException {
    Optional<KeyPair> keys = masterKey.get();
    if (keys.isEmpty()) {
      return new Decision(
          MessageType.SEALED,
          MasterHandshake.sealed(hello, "master vault is sealed"),
          null,
          "sealed");
    }
    MasterHandshake handshake = handshakeFor(keys.get());
    AuthResult result = pki.authorize(hello);
    return switch (result.verdict()) {
      case ACCEPTED -> {
        MasterHandshake.Accepted accepted =
            handshake.welcome(hello, result.acceptedKey(), rotator.current());
        yield new Decision(
            MessageType.WELCOME, accepted.body(), accepted.session(), "accepted");
      }
      case PENDING ->
          refusal(handshake, hello, MessageType.PENDING, "key waits for an operator to accept it");
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

  /** Builds the handshake object once per unseal: it holds the key's prepared RSA primitives. */
  private MasterHandshake handshakeFor(KeyPair keys) {
    CachedHandshake c = cached.get();
    if (c != null && c.keys() == keys) {
      return c.handshake();
    }
    try {
      MasterHandshake handshake = MasterHandshake.create(keys);
      cached.set(new CachedHandshake(keys, handshake));
      return handshake;
    } catch (WeakKeyException e) {
      throw new IllegalStateException("the master key breaks the key policy", e);
    }
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
