package io.brine.master.listener;

import io.brine.master.config.MasterConfig;
import io.brine.master.listener.Handshakes.Decision;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.Session;
import io.brine.protocol.wire.AuthGate;
import io.brine.protocol.wire.Disconnector;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One minion connection: its handshakes and, once authenticated, its session traffic.
 *
 * <ul>
 *   <li>A new connection is admitted by {@link ConnectionLimits} (total and per-address caps) or
 *       closed at once.
 *   <li>HELLO goes to the handshake threads and its answer is written back on this event loop.
 *       One connection has one handshake in flight: any frame that arrives before the answer
 *       closes the connection. A refused minion stays connected and may send HELLO again
 *       (pending minions re-send until accepted). A HELLO whose nonce or token was seen before
 *       is a replay and closes the connection unanswered.
 *   <li>Until it is authenticated a connection lives on a deadline ({@link
 *       MasterConfig.Admission}): {@code hello_timeout} from the connect to its first HELLO, {@code
 *       refused_idle_timeout} from each refusal to the next HELLO, {@code confirm_timeout} from a
 *       WELCOME to the CONFIRM. A silent peer cannot hold a socket for ever; an authenticated one
 *       has no deadline (its idle time is the jobs' business).
 *   <li>WELCOME does not authenticate the connection: anyone may send a HELLO with an accepted
 *       minion's public key, and is answered WELCOME (wrapped to that key, which it cannot open).
 *       The CONFIRM that must follow, sealed under the new session (docs/protocol.md §2.7), does:
 *       only then is the connection registered in {@link ConnectedMinions} (replacing an older
 *       connection of the minion's), the gate opened, and publications sent. Before it, the
 *       connection displaces nothing, receives nothing but the WELCOME, and counts as a stranger's.
 *   <li>An authenticated minion may send HELLO again: a re-authentication, after a REAUTH or of its
 *       own accord. It must be for the same id, and goes in the handshake threads' own lane. A
 *       WELCOME replaces the session and is again followed by a CONFIRM, before which the
 *       connection takes nothing else and holds its publications; any other answer ends the
 *       connection, since the minion is no longer authenticated.
 *   <li>REQUESTs are answered off the event loop ({@link SessionRequests}); at most {@link
 *       #MAX_REQUESTS_IN_FLIGHT} at once per connection, after which reading pauses, so a minion
 *       that floods returns slows itself down instead of the master.
 *   <li>A publication ({@link PublishDue}) goes out at once when the minion holds its publish key.
 *       When the minion's session predates the key (a rotation happened and its re-authentication
 *       slot in the window has not come yet), the publication is held, the minion is asked to
 *       re-authenticate now, and the publication follows the CONFIRM: never lost, and never sealed
 *       under a key a removed minion knew.
 * </ul>
 *
 * Stateful (its session, its id): one instance per channel, used only on its event loop.
 */
final class MinionConnectionHandler extends SimpleChannelInboundHandler<Frame> {
  private static final Logger log = LoggerFactory.getLogger(MinionConnectionHandler.class);

  /** REQUESTs of one connection being answered at once before reading pauses. */
  static final int MAX_REQUESTS_IN_FLIGHT = 32;

  /** Publications one connection holds for a re-authentication; more means the minion is stuck. */
  static final int MAX_HELD_PUBLICATIONS = 1024;

  private final Handshakes handshakes;
  private final ConnectedMinions connected;
  private final Reauthentication reauth;
  private final SessionRequests requests;
  private final MasterConfig.Admission admission;
  private final ConnectionLimits limits;

  /** The minion this connection proved to be (null until its first CONFIRM). */
  private MinionId id;

  private Session session;
  private boolean admitted;
  private boolean handshaking;

  /** A WELCOME went out and its CONFIRM has not come: the session is not proven yet. */
  private boolean confirming;

  /**
   * The HELLO asked for a call session ({@code brine call}): once confirmed it is not the minion's
   * connection, takes only file reads and gets no publication. Fixed by the first HELLO that is
   * confirmed; a later HELLO on the connection must ask for the same.
   */
  private boolean callSession;

  /** {@link ConnectedMinions#removals()} when the HELLO in work arrived. */
  private long removalsAtHello;

  private boolean reauthAsked;
  private int requestsInFlight;
  private final ArrayDeque<PublishDue> held = new ArrayDeque<>();
  private ScheduledFuture<?> deadline;

  MinionConnectionHandler(
      Handshakes handshakes,
      ConnectedMinions connected,
      Reauthentication reauth,
      SessionRequests requests,
      MasterConfig.Admission admission,
      ConnectionLimits limits) {
    super(Frame.class);
    this.handshakes = handshakes;
    this.connected = connected;
    this.reauth = reauth;
    this.requests = requests;
    this.admission = admission;
    this.limits = limits;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (!limits.admit(remoteAddress(ctx))) {
      ctx.close(); // ConnectionLimits logged it, throttled: a flood must not flood the log
      return;
    }
    admitted = true;
    closeUnlessWithin(ctx, admission.helloTimeout(), "HELLO", "of the connect");
    super.channelActive(ctx);
  }

  /** Closes the connection when {@code what} does not arrive within {@code timeout}. */
  private void closeUnlessWithin(
      ChannelHandlerContext ctx, Duration timeout, String what, String since) {
    cancelDeadline();
    deadline =
        ctx.executor()
            .schedule(
                () ->
                    Disconnector.disconnect(
                        ctx,
                        "no "
                            + what
                            + " within "
                            + timeout.toSeconds()
                            + " s "
                            + since
                            + " from "
                            + ctx.channel().remoteAddress()),
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
    if (handshaking) {
      // A minion must wait for the answer to its HELLO: anything it sends meanwhile ends it.
      Disconnector.disconnect(ctx, frame.type() + " sent before the HELLO was answered");
      return;
    }
    if (confirming != (frame.type() == MessageType.CONFIRM)) {
      Disconnector.disconnect(
          ctx,
          confirming
              ? frame.type() + " where the CONFIRM of the WELCOME was due"
              : "CONFIRM with no WELCOME to confirm");
      return;
    }
    switch (frame.type()) {
      case HELLO -> hello(ctx, frame.body());
      case CONFIRM -> confirm(ctx, frame.body());
      case REQUEST -> request(ctx, frame.body());
      default ->
          Disconnector.disconnect(
              ctx, frame.type() + " from minion " + id + " (the master takes HELLO or REQUEST)");
    }
  }

  private void hello(ChannelHandlerContext ctx, byte[] body) {
    Hello hello;
    try {
      hello = Hello.parse(body);
    } catch (ProtocolException e) {
      Disconnector.disconnect(ctx, e.getMessage());
      return;
    }
    if (id != null && !id.equals(hello.id())) {
      Disconnector.disconnect(ctx, "HELLO for " + hello.id() + " on the connection of " + id);
      return;
    }
    if (id != null && hello.callOnly() != callSession) {
      Disconnector.disconnect(
          ctx,
          callSession
              ? "HELLO of minion " + id + " without the call flag on its call session"
              : "HELLO of minion " + id + " asks for a call session on its connection");
      return;
    }
    if (id == null) {
      callSession = hello.callOnly();
    }
    // Only a re-authentication the master asked for goes ahead of strangers: a minion that sends
    // HELLOs of its own accord, over and over, waits with everyone else.
    boolean asked = id != null && reauthAsked;
    removalsAtHello = connected.removals();
    Handshakes.Submitted submitted =
        handshakes.submit(hello, remoteAddress(ctx), ctx.channel()::isActive, asked);
    if (submitted.refusal() != null) {
      Disconnector.disconnect(
          ctx,
          submitted.refusal().reason
              + "; dropping the HELLO of "
              + hello.id()
              + " from "
              + ctx.channel().remoteAddress());
      return;
    }
    CompletableFuture<Decision> answer = submitted.answer();
    cancelDeadline();
    handshaking = true;
    reauthAsked = false;
    updateReading(ctx);
    answer.whenComplete(
        (decision, failure) ->
            ctx.executor().execute(() -> answered(ctx, hello.id(), decision, failure)));
  }

  private void answered(
      ChannelHandlerContext ctx, MinionId helloId, Decision decision, Throwable failure) {
    handshaking = false;
    if (!ctx.channel().isActive()) {
      if (decision != null && decision.session() != null) {
        decision.session().destroy();
      }
      return;
    }
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      String reason =
          cause instanceof ProtocolException ? cause.getMessage() : "handshake failed: " + cause;
      Disconnector.disconnect(ctx, reason, cause);
      return;
    }
    ChannelFuture written = ctx.write(new Frame(decision.type(), decision.body()));
    if (decision.session() != null) {
      // Not yet the minion: whoever sent the HELLO must show it holds the key (CONFIRM).
      log.debug("minion {}: welcomed, waiting for its CONFIRM ({})", helloId, remote(ctx));
      if (session != null) {
        session.destroy();
      }
      session = decision.session();
      confirming = true;
      if (id == null) {
        connected.confirming(helloId, ctx.channel()); // closed with the minion's, if removed
      }
      ctx.flush();
      closeUnlessWithin(ctx, admission.confirmTimeout(), "CONFIRM", "of the WELCOME");
    } else if (id != null) {
      if (!decision.logged()) {
        log.info("minion {}: {} ({})", helloId, decision.verdict(), remote(ctx));
      }
      ctx.flush();
      // A re-authentication that was not accepted: the minion is no longer authenticated.
      String reason = "re-authentication of minion " + id + " answered " + decision.verdict();
      written.addListener(f -> Disconnector.disconnect(ctx.channel(), reason, null));
      return;
    } else {
      if (!decision.logged()) {
        log.info("minion {}: {} ({})", helloId, decision.verdict(), remote(ctx));
      }
      ctx.flush();
      closeUnlessWithin(
          ctx,
          admission.refusedIdleTimeout(),
          "HELLO",
          "of the " + decision.verdict() + " answer");
    }
    updateReading(ctx);
  }

  /**
   * The peer proved it holds the accepted key: the session is the minion's. On a new connection
   * this is the moment it becomes the minion, replacing any older connection of the same id.
   */
  private void confirm(ChannelHandlerContext ctx, byte[] body) {
    try {
      session.openConfirmation(body);
    } catch (GeneralSecurityException e) {
      Disconnector.disconnect(
          ctx,
          "CONFIRM for minion "
              + session.minionId()
              + " does not open: the peer does not hold the minion's key",
          e);
      return;
    }
    if (connected.removedSince(session.minionId(), removalsAtHello)) {
      // Decided before a removal or a seal that swept the connections, confirmed after it.
      Disconnector.disconnect(
          ctx,
          "minion "
              + session.minionId()
              + " was removed, or the vault sealed, while its handshake was in work");
      return;
    }
    confirming = false;
    cancelDeadline();
    if (callSession) {
      confirmCallSession(ctx);
      return;
    }
    log.info("minion {}: accepted ({})", session.minionId(), remote(ctx));
    if (id == null) {
      id = session.minionId();
      AuthGate.open(ctx.pipeline());
      limits.authenticated(remoteAddress(ctx));
      connected.register(id, ctx.channel());
    }
    reauth.catchUp(ctx.channel(), session.epoch());
    releaseHeld(ctx);
  }

  /** A call session proved the key: it may read files, and is never the minion's connection. */
  private void confirmCallSession(ChannelHandlerContext ctx) {
    if (id != null) {
      return; // a HELLO again on the call session (after a master key succession): nothing new
    }
    MinionId minion = session.minionId();
    if (!connected.registerCallSession(minion, ctx.channel())) {
      Disconnector.disconnect(
          ctx,
          "minion "
              + minion
              + " already has "
              + ConnectedMinions.MAX_CALL_SESSIONS_PER_ID
              + " call sessions open; closing this one");
      return;
    }
    id = minion;
    AuthGate.open(ctx.pipeline());
    limits.authenticated(remoteAddress(ctx));
    log.info("minion {}: call session accepted ({})", minion, remote(ctx));
  }

  /**
   * Reads while the minion's requests in work are under the limit. It keeps reading while a HELLO
   * is in work: a minion must wait for the answer, so anything it sends meanwhile closes the
   * connection (see channelRead0), and reading is how a closed connection is noticed at all. A
   * minion that gives up waiting closes its socket, and the queued HELLO is then skipped instead
   * of costing an RSA operation nobody will read (with reading paused, at 10,000 minions and a
   * 4096-bit key, abandoned connections piled up unnoticed until the master ran out of files).
   */
  private void updateReading(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(requestsInFlight < MAX_REQUESTS_IN_FLIGHT);
  }

  private void request(ChannelHandlerContext ctx, byte[] body) {
    byte[] plaintext;
    try {
      plaintext = session.open(MessageType.REQUEST, body);
    } catch (GeneralSecurityException e) {
      Disconnector.disconnect(
          ctx, "REQUEST from minion " + id + " does not open under its session", e);
      return;
    }
    requestsInFlight++;
    updateReading(ctx);
    (callSession ? requests.handleCallSession(id, plaintext) : requests.handle(id, plaintext))
        .whenComplete(
            (reply, failure) -> ctx.executor().execute(() -> answer(ctx, reply, failure)));
  }

  private void answer(ChannelHandlerContext ctx, byte[] reply, Throwable failure) {
    requestsInFlight--;
    if (!ctx.channel().isActive() || session == null) {
      return;
    }
    if (failure != null) {
      Disconnector.disconnect(ctx, "cannot answer a request of minion " + id, failure);
      return;
    }
    send(ctx, MessageType.REPLY, reply);
    updateReading(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof ReauthDue due) {
      askReauth(ctx, due.epoch());
    } else if (event instanceof PublishDue publication) {
      publish(ctx, publication);
    } else {
      super.userEventTriggered(ctx, event);
    }
  }

  /**
   * Sends REAUTH unless the minion already holds {@code epoch}, a HELLO is in work (its answer is
   * caught up afterwards), or a REAUTH is already out (the minion's HELLO is on its way; a second
   * REAUTH would reach it while its HELLO is out, which it must refuse).
   */
  private void askReauth(ChannelHandlerContext ctx, int epoch) {
    if (!callSession
        && session != null
        && !handshaking
        && !confirming
        && !reauthAsked
        && session.epoch() < epoch) {
      reauthAsked = true;
      String body = "{\"epoch\":" + epoch + "}";
      send(ctx, MessageType.REAUTH, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void publish(ChannelHandlerContext ctx, PublishDue publication) {
    if (session == null || !ctx.channel().isActive() || callSession) {
      return; // closed or replaced meanwhile: the job reports this minion as not returned
    }
    if (!confirming && session.epoch() >= publication.epoch() && held.isEmpty()) {
      ctx.writeAndFlush(new Frame(MessageType.PUBLISH, publication.envelope()));
      return;
    }
    if (held.size() >= MAX_HELD_PUBLICATIONS) {
      Disconnector.disconnect(
          ctx, "minion " + id + " has not re-authenticated for " + held.size() + " publications");
      return;
    }
    held.add(publication);
    askReauth(ctx, publication.epoch());
  }

  /** After a WELCOME: what the new session's key opens goes out, in order. */
  private void releaseHeld(ChannelHandlerContext ctx) {
    while (!held.isEmpty() && held.peek().epoch() <= session.epoch()) {
      ctx.write(new Frame(MessageType.PUBLISH, held.poll().envelope()));
    }
    ctx.flush();
    if (!held.isEmpty()) {
      askReauth(ctx, held.peekLast().epoch());
    }
  }

  private void send(ChannelHandlerContext ctx, MessageType type, byte[] plaintext) {
    try {
      ctx.writeAndFlush(new Frame(type, session.seal(type, plaintext)));
    } catch (GeneralSecurityException e) {
      Disconnector.disconnect(ctx, "cannot seal " + type + " for minion " + id, e);
    }
  }

  /** The peer's IP address; channels without one (in-memory tests) share the loopback's quota. */
  private static InetAddress remoteAddress(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress inet
            && inet.getAddress() != null
        ? inet.getAddress()
        : InetAddress.getLoopbackAddress();
  }

  private static Object remote(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    if (admitted) {
      admitted = false;
      limits.closed(remoteAddress(ctx), id != null);
    }
    connected.remove(id, ctx.channel());
    if (session != null) {
      session.destroy();
    }
    super.channelInactive(ctx);
  }
}
