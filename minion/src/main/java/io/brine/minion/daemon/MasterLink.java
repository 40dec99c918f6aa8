package io.brine.minion.daemon;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.brine.common.log.LogText;
import io.brine.crypto.WeakKeyException;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.minion.config.MasterAddress;
import io.brine.minion.keys.KeyFileException;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.handshake.KeySuccession;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Outcome;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.handshake.Session;
import io.brine.protocol.job.SessionReply;
import io.brine.protocol.publish.PublishEnvelope;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.AuthGate;
import io.brine.protocol.wire.Disconnector;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the master: the handshake, then the session. Stateful (the attempt in flight,
 * the session and its counters): one per channel.
 *
 * <p>What it accepts, an allow-list like {@link AuthGate}'s (which guards only the first
 * handshake and is removed at the first WELCOME):
 *
 * <ul>
 *   <li>while a HELLO is out (the first one, a retry, or a re-authentication): the five handshake
 *       answers; during a re-authentication also PUBLISH, which the master may have sent before it
 *       read the HELLO (a publication is verified with the pinned master key and needs no session,
 *       and dropping it would lose a job published across a rotation), and REPLY to a call made
 *       before the HELLO, still under the old session;
 *   <li>once authenticated: REPLY, PUBLISH and REAUTH;
 *   <li>anything else, or anything at all while waiting to retry: the connection is closed.
 * </ul>
 *
 * REAUTH (after a publish-key rotation) is sealed under the session and carries {@code {"epoch":
 * N}}; the answer is a new HELLO on this connection, and the WELCOME that follows brings the new
 * session and the new publish key (the old key keeps opening publications for its grace).
 *
 * <p>After a rotation of the master's own key, a WELCOME to a HELLO encrypted to the pinned key
 * carries the chain of statements from it to the master's new key (verified by the handshake).
 * The session goes on, and this connection at once sends a HELLO of its own accord with the token
 * encrypted to the new key; only when that one is welcomed without a chain is the new key pinned
 * (docs/protocol.md §2.8). The successor lives here, per connection, until then: a connection
 * lost in between starts over from the file, which still holds the old key.
 *
 * <p>A link may be a failback probe ({@code master_failback}): a connection to the first master
 * opened while the minion is on another. Until its WELCOME it touches nothing of the daemon's (no
 * state, no calls, no refusal's wait): any other answer, a failed check or silence closes it, and
 * the minion stays where it is. At the WELCOME, once the master key has passed the pin, the daemon
 * adopts it ({@link MinionDaemon#adoptFailback}) and retires the old link, whose closing then
 * leaves the calls alone.
 */
final class MasterLink extends SimpleChannelInboundHandler<Frame> {
  private static final Logger log = LoggerFactory.getLogger(MasterLink.class);

  /** A master that does not answer a HELLO within this time is given up on for this connection. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final MinionDaemon daemon;
  private final MasterAddress address;
  /** A failback probe not yet adopted: it must not touch the daemon's state or calls. */
  private boolean probing;
  /** Replaced by an adopted probe: its closing is no loss of the minion's connection. */
  private boolean retired;
  /** {@code master_alive_interval}, or null when it is 0. */
  private AliveCheck alive;
  private MinionHandshake attempt;
  private Session session;
  private PublishEnvelope.Opener opener;
  private ScheduledFuture<?> retry;
  private ScheduledFuture<?> answerTimeout;
  /** The master's new key, vouched for by the pinned one, while it is not yet pinned. */
  private RSAPublicKey successor;
  /** The successor's epoch and the pinned key that vouched for it. */
  private int successorEpoch;
  private RSAPublicKey vouchedBy;
  /** Publications of an epoch below this may still carry the vouching key's signature. */
  private int vouchedByBeforeEpoch;

  MasterLink(MinionDaemon daemon, MasterAddress address, boolean probing) {
    this.daemon = daemon;
    this.address = address;
    this.probing = probing;
  }

  /** This link's connection has been replaced by a failback probe's; it closes next. */
  void retire() {
    retired = true;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    log.debug("connected to master {}", address);
    Duration interval = daemon.config().failover().aliveInterval();
    if (!interval.isZero()) {
      alive =
          new AliveCheck(ctx.executor(), interval, this::ping, reason -> leave(ctx, reason));
    }
    sendHello(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel(retry);
    cancel(answerTimeout);
    if (alive != null) {
      alive.stop();
    }
    attempt = null;
    if (!probing && !retired) {
      daemon.calls().connectionLost();
    }
    dropSession();
    super.channelInactive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Frame frame) throws Exception {
    if (alive != null) {
      alive.heard(); // any frame: even one refused below came from a live master
    }
    if (attempt != null) {
      if (frame.type() == MessageType.PUBLISH && session != null) {
        publication(frame.body()); // sent before the master read our re-authentication HELLO
        return;
      }
      if (frame.type() == MessageType.REPLY && session != null) {
        reply(frame.body()); // answers a call made before the re-authentication HELLO
        return;
      }
      if (!frame.type().isHandshakeAnswer()) {
        throw new ProtocolException(frame.type() + " from the master while a HELLO is out");
      }
      answer(ctx, frame);
      return;
    }
    if (session == null) {
      throw new ProtocolException(frame.type() + " from the master before authentication");
    }
    switch (frame.type()) {
      case PUBLISH -> publication(frame.body());
      case REAUTH -> reauth(ctx, frame.body());
      case REPLY -> reply(frame.body());
      default -> throw new ProtocolException(frame.type() + " from the master in a session");
    }
  }

  // ---- liveness ----

  /** The alive check's sign-of-life call; only in a session of the daemon's own connection. */
  private boolean ping() {
    return !probing && !retired && attempt == null && session != null && daemon.calls().ping();
  }

  /** Gives up on this master (silence, no answer): one line, by the daemon as it moves on. */
  private void leave(ChannelHandlerContext ctx, String reason) {
    if (probing) {
      daemon.failbackNotReady(address, reason);
    } else {
      daemon.leaving(reason, false);
    }
    ctx.close();
  }

  // ---- the handshake ----

  private void sendHello(ChannelHandlerContext ctx) {
    retry = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    try {
      MasterTrust trust = successor != null ? MasterTrust.pinned(successor) : daemon.trust();
      attempt =
          MinionHandshake.start(daemon.minionId(), daemon.keys(), trust, daemon.isCallSession());
    } catch (KeyFileException | WeakKeyException e) {
      untrusted(ctx, e.getMessage());
      return;
    }
    if (!probing) {
      daemon.handshaking();
      daemon.calls().paused(); // the master takes nothing but the HELLO until it answers
    }
    if (alive != null) {
      alive.expect();
    }
    ctx.writeAndFlush(new Frame(MessageType.HELLO, attempt.hello()))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                Disconnector.disconnect(ctx, "cannot send HELLO: " + f.cause(), f.cause());
              }
            });
    answerTimeout =
        ctx.executor()
            .schedule(
                () -> leave(ctx, "did not answer the HELLO in " + ANSWER_TIMEOUT.toSeconds() + " s"),
                ANSWER_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void answer(ChannelHandlerContext ctx, Frame frame) {
    cancel(answerTimeout);
    MinionHandshake current = attempt;
    attempt = null;
    Outcome outcome;
    try {
      outcome = current.finish(frame.type(), frame.body());
    } catch (ProtocolException e) {
      log.debug("handshake with master {} failed", address, e);
      untrusted(ctx, e.getMessage());
      return;
    }
    if (outcome instanceof Welcomed welcomed) {
      welcomed(ctx, welcomed);
    } else {
      refused(ctx, (Refused) outcome);
    }
  }

  private void welcomed(ChannelHandlerContext ctx, Welcomed welcomed) {
    PublishEnvelope.Opener newOpener;
    boolean repinNext = false;
    try {
      newOpener = PublishEnvelope.Opener.create(welcomed.masterKey());
      KeySuccession vouching = welcomed.lastStatement();
      if (vouching != null) {
        // The chain from the pinned key verified: work goes on under the new key, and the pin
        // changes only once a token encrypted to it has come back (the next handshake).
        successor = welcomed.masterKey();
        successorEpoch = vouching.epoch();
        vouchedBy = welcomed.keyChain().get(0).predecessor();
        // A job the master sealed with the old key just before its rotation may still arrive:
        // it is of this WELCOME's epoch or older (the publish key rotates after the master key).
        vouchedByBeforeEpoch = welcomed.publishKey().epoch() + 1;
        newOpener = newOpener.acceptingPredecessor(vouchedBy, vouchedByBeforeEpoch);
        repinNext = true;
        log.info(
            "master {} presents its new key {} (epoch {}), vouched for by the pinned key;"
                + " re-authenticating to re-pin it",
            address,
            Fingerprints.salt(successor),
            successorEpoch);
      } else if (successor != null) {
        daemon.repinMasterKey(welcomed.masterKey(), successorEpoch, vouchedBy);
        newOpener = newOpener.acceptingPredecessor(vouchedBy, vouchedByBeforeEpoch);
        successor = null;
        vouchedBy = null;
      } else {
        daemon.acceptMasterKey(welcomed.masterKey());
      }
    } catch (KeyFileException | WeakKeyException e) {
      welcomed.session().destroy();
      welcomed.publishKey().destroy();
      untrusted(ctx, e.getMessage());
      return;
    }
    if (probing) {
      // The first master is back and holds the cluster's key: this connection becomes the one.
      if (!daemon.adoptFailback(this, ctx.channel())) {
        welcomed.session().destroy();
        welcomed.publishKey().destroy();
        ctx.close();
        return;
      }
      probing = false;
    }
    AuthGate.open(ctx.pipeline());
    boolean again = session != null;
    dropSession();
    session = welcomed.session();
    opener = newOpener;
    if (!confirm(ctx)) {
      welcomed.publishKey().destroy();
      return;
    }
    PublishKey key = welcomed.publishKey();
    if (daemon.keyring().currentEpoch() == key.epoch()) {
      key.destroy(); // a re-authentication without a rotation: the keyring keeps its key
    } else {
      daemon.keyring().install(key);
    }
    daemon.authenticatedAs(key.epoch(), again);
    daemon.calls().ready(plaintext -> call(ctx, plaintext));
    if (alive != null) {
      alive.expect(); // in a session: a silent master is pinged, then left
    }
    if (repinNext) {
      sendHello(ctx); // of the minion's own accord (§3.1), the token now to the successor
    }
  }

  /**
   * Proves to the master that this end holds the minion key (docs/protocol.md §2.7): the CONFIRM is
   * the session's first message, before any call. Until the master has it, the connection is
   * nobody's and gets no publication.
   */
  private boolean confirm(ChannelHandlerContext ctx) {
    try {
      ctx.writeAndFlush(new Frame(MessageType.CONFIRM, session.sealConfirmation()));
      return true;
    } catch (GeneralSecurityException e) {
      Disconnector.disconnect(ctx, "cannot seal the CONFIRM to the master", e);
      return false;
    }
  }

  /** Sends one of the minion's calls, sealed under the session current when it goes out. */
  private void call(ChannelHandlerContext ctx, byte[] plaintext) {
    try {
      ctx.writeAndFlush(new Frame(MessageType.REQUEST, session.seal(MessageType.REQUEST, plaintext)));
    } catch (GeneralSecurityException e) {
      Disconnector.disconnect(ctx, "cannot seal a request to the master", e);
    }
  }

  private void refused(ChannelHandlerContext ctx, Refused refused) {
    dropSession(); // a refusal during a re-authentication ends the session too
    if (alive != null) {
      alive.rest(); // the master owes nothing until the next HELLO
    }
    if (probing) {
      daemon.failbackNotReady(address, "answered " + refused.type());
      ctx.close();
      return;
    }
    if (refused.type() == MessageType.SEALED && daemon.leavesSealedMaster()) {
      ctx.close(); // another master of the cluster may be unsealed
      return;
    }
    Duration wait =
        switch (refused.type()) {
          case PENDING -> daemon.pending(refused.reason());
          case SEALED -> daemon.sealed();
          default -> daemon.refused(refused.type().toString(), refused.reason());
        };
    retry = ctx.executor().schedule(() -> sendHello(ctx), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void untrusted(ChannelHandlerContext ctx, String reason) {
    dropSession();
    if (probing) {
      daemon.failbackNotReady(address, "failed the handshake's checks: " + LogText.escape(reason));
    } else {
      daemon.untrusted(reason);
    }
    ctx.close();
  }

  // ---- the session ----

  private void publication(byte[] body) throws ProtocolException {
    if (daemon.isCallSession()) {
      // The master publishes nothing to a call session; one that does is not following the
      // protocol, and brine call must never run a job.
      throw new ProtocolException("PUBLISH from the master on a call session");
    }
    byte[] payload;
    try {
      payload = opener.open(body, daemon.keyring());
    } catch (ProtocolException e) {
      daemon.publicationDropped();
      log.warn(
          "dropped a publication from master {}: {}",
          address,
          LogText.escape(e.getMessage()));
      return;
    }
    daemon.publicationOpened();
    log.debug("publication of {} bytes opened", payload.length);
    daemon.jobs().published(payload);
  }

  private void reauth(ChannelHandlerContext ctx, byte[] body)
      throws ProtocolException, GeneralSecurityException {
    int epoch = reauthEpoch(session.open(MessageType.REAUTH, body));
    log.info(
        "master {} rotated the publish key to epoch {}; re-authenticating",
        address,
        epoch);
    sendHello(ctx);
  }

  private static int reauthEpoch(byte[] plaintext) throws ProtocolException {
    JsonNode json;
    try {
      json = JSON.readTree(plaintext);
    } catch (IOException e) {
      throw new ProtocolException("REAUTH is not JSON");
    }
    if (json == null
        || !json.isObject()
        || json.size() != 1
        || !json.has("epoch")
        || !json.get("epoch").isInt()
        || json.get("epoch").intValue() < 0) {
      throw new ProtocolException("REAUTH must be {\"epoch\": <int >= 0>} and nothing else");
    }
    return json.get("epoch").intValue();
  }

  private void reply(byte[] body) throws GeneralSecurityException, ProtocolException {
    SessionReply reply = SessionReply.parse(session.open(MessageType.REPLY, body));
    if (!daemon.calls().replied(reply)) {
      log.debug("reply {} from the master answers no call out; ignored", reply.rid());
    }
  }

  private void dropSession() {
    if (session != null) {
      session.destroy();
      session = null;
    }
  }

  private static void cancel(ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }
}
