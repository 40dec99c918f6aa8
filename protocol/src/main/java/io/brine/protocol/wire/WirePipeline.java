package io.brine.protocol.wire;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;

/**
 * The order of every brine pipeline, read top to bottom: bounded framing, the frame codec, the
 * authentication gate, the caller's handshake/session handler, and the error handler last so that
 * every failure takes the one {@link Disconnector} path.
 */
public final class WirePipeline {
  public static final String FRAME_DECODER = "frame-decoder";
  public static final String FRAME_ENCODER = "frame-encoder";
  public static final String AUTH_GATE = "auth-gate";
  public static final String SESSION = "session";
  public static final String ERRORS = "errors";

  private WirePipeline() {}

  public static void install(
      ChannelPipeline pipeline, int maxFrameBytes, AuthGate gate, ChannelHandler session) {
    // Stateful (buffers partial frames): one per channel.
    pipeline.addLast(FRAME_DECODER, new FrameDecoder(maxFrameBytes));
    pipeline.addLast(FRAME_ENCODER, new FrameEncoder(maxFrameBytes));
    // Sharable singletons; removed from this pipeline by AuthGate.open once authenticated.
    pipeline.addLast(AUTH_GATE, gate);
    pipeline.addLast(SESSION, session);
    pipeline.addLast(ERRORS, DisconnectOnError.INSTANCE);
  }
}
