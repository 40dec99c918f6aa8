package io.brine.protocol.wire;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import java.util.EnumSet;
import java.util.Set;

/**
 * Lets only handshake messages through before the peer is authenticated; anything else closes the
 * connection. The handshake handler calls {@link #open(ChannelPipeline)} once the peer is
 * authenticated, which takes the gate out of the pipeline. This is an allow-list of unauthenticated
 * messages, the thing Salt's ClearFuncs lacked (CVE-2020-11651).
 *
 * <p>Sharable: the allowed set is fixed; each pipeline removes its own reference.
 */
@Sharable
public final class AuthGate extends ChannelInboundHandlerAdapter {
  /**
   * The gate a master puts in front of a minion's connection: only HELLO, and the CONFIRM that
   * follows a WELCOME (the connection's handler takes CONFIRM only then), get through.
   */
  public static final AuthGate MASTER_SIDE =
      new AuthGate("minion", EnumSet.of(MessageType.HELLO, MessageType.CONFIRM));

  /** The gate a minion puts in front of its connection to the master: only handshake answers. */
  public static final AuthGate MINION_SIDE =
      new AuthGate(
          "master",
          EnumSet.of(
              MessageType.WELCOME,
              MessageType.PENDING,
              MessageType.REJECTED,
              MessageType.DENIED,
              MessageType.SEALED));

  private final String peer;
  private final Set<MessageType> allowed;

  private AuthGate(String peer, Set<MessageType> allowed) {
    this.peer = peer;
    this.allowed = allowed;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Frame frame && allowed.contains(frame.type())) {
      ctx.fireChannelRead(msg);
      return;
    }
    ReferenceCountUtil.release(msg);
    String what = msg instanceof Frame frame ? frame.type().toString() : msg.getClass().getName();
    Disconnector.disconnect(
        ctx, what + " from an unauthenticated " + peer + " (expected " + allowed + ")");
  }

  /**
   * Removes the gate from {@code pipeline} and lifts the frame decoder's pre-authentication limits:
   * the peer is authenticated. Idempotent.
   */
  public static void open(ChannelPipeline pipeline) {
    if (pipeline.get(WirePipeline.AUTH_GATE) != null) {
      pipeline.remove(WirePipeline.AUTH_GATE);
    }
    if (pipeline.get(WirePipeline.FRAME_DECODER) instanceof FrameDecoder decoder) {
      decoder.authenticated();
    }
  }
}
