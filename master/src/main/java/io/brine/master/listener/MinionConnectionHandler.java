package io.brine.master.listener;

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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One minion connection: its handshakes and, once authenticated, its session traffic.
 *
 * <ul>
 *   <li>HELLO goes to the handshake threads; reading pauses until the answer is written back on
 *       this event loop, so one connection has one handshake in flight. A refused minion stays
 *       connected and may send HELLO again (pending minions re-send until accepted).
 *   <li>WELCOME authenticates the connection: the gate steps aside, the connection is registered
 *       in {@link ConnectedMinions}, and REQUESTs are opened under the session.
 *   <li>An authenticated minion may send HELLO again: a re-authentication, after a REAUTH or of its
 *       own accord. It must be for the same id. A WELCOME replaces the session; any other answer
 *       ends the connection, since the minion is no longer authenticated.
 * </ul>
 *
 * Stateful (its session, its id): one instance per channel, used only on its event loop.
 */
final class MinionConnectionHandler extends SimpleChannelInboundHandler<Frame> {
  private static final Logger log = LoggerFactory.getLogger(MinionConnectionHandler.class);

  private final Handshakes handshakes;
  private final ConnectedMinions connected;
  private final Reauthentication reauth;
  private final SessionRequests requests;

  private MinionId id;
  private Session session;
  private boolean handshaking;

  MinionConnectionHandler(
      Handshakes handshakes,
      ConnectedMinions connected,
      Reauthentication reauth,
      SessionRequests requests) {
    super(Frame.class);
    this.handshakes = handshakes;
    this.connected = connected;
    this.reauth = reauth;
    this.requests = requests;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
    if (handshaking) {
      // Frames decoded from the same read as the HELLO: the minion did not wait for the answer.
      Disconnector.disconnect(ctx, frame.type() + " sent before the HELLO was answered");
      return;
    }
    switch (frame.type()) {
      case HELLO -> hello(ctx, frame.body());
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
    CompletableFuture<Decision> answer = handshakes.submit(hello);
    if (answer == null) {
      Disconnector.disconnect(
          ctx, "max_pending_handshakes reached; dropping the HELLO of " + hello.id());
      return;
    }
    handshaking = true;
    ctx.channel().config().setAutoRead(false);
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
    log.info("minion {}: {} ({})", helloId, decision.verdict(), ctx.channel().remoteAddress());
    ChannelFuture written = ctx.writeAndFlush(new Frame(decision.type(), decision.body()));
    if (decision.session() != null) {
      authenticated(ctx, decision.session());
    } else if (id != null) {
      // A re-authentication that was not accepted: the minion is no longer authenticated.
      String reason = "re-authentication of minion " + id + " answered " + decision.verdict();
      written.addListener(f -> Disconnector.disconnect(ctx.channel(), reason, null));
      return;
    }
    ctx.channel().config().setAutoRead(true);
  }

  private void authenticated(ChannelHandlerContext ctx, Session fresh) {
    if (session != null) {
      session.destroy();
    }
    session = fresh;
    if (id == null) {
      id = fresh.minionId();
      AuthGate.open(ctx.pipeline());
      connected.register(id, ctx.channel());
    }
    reauth.catchUp(ctx.channel(), fresh.epoch());
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
    send(ctx, MessageType.REPLY, requests.handle(id, plaintext));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (!(event instanceof ReauthDue due)) {
      super.userEventTriggered(ctx, event);
      return;
    }
    // Skipped while a HELLO is in work (its answer is caught up afterwards) and when the minion
    // has already re-authenticated for this epoch or a later one.
    if (session != null && !handshaking && session.epoch() < due.epoch()) {
      String body = "{\"epoch\":" + due.epoch() + "}";
      send(ctx, MessageType.REAUTH, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void send(ChannelHandlerContext ctx, MessageType type, byte[] plaintext) {
    try {
      ctx.writeAndFlush(new Frame(type, session.seal(type, plaintext)));
    } catch (GeneralSecurityException e) {
      Disconnector.disconnect(ctx, "cannot seal " + type + " for minion " + id, e);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (id != null) {
      connected.remove(id, ctx.channel());
    }
    if (session != null) {
      session.destroy();
    }
    super.channelInactive(ctx);
  }
}
