package io.brine.protocol.wire;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;

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

  /** The default time a frame may take to arrive whole before the peer is authenticated. */
  public static final Duration DEFAULT_PARTIAL_FRAME_TIMEOUT = Duration.ofSeconds(10);

  public static void install(
      ChannelPipeline pipeline, int maxFrameBytes, AuthGate gate, ChannelHandler session) {
    install(pipeline, maxFrameBytes, DEFAULT_PARTIAL_FRAME_TIMEOUT, gate, session);
  }

  /**
   * @param partialFrameTimeout before authentication, the longest a frame may take from its first
   *     byte to its last ({@link FrameDecoder}); until then frames are also capped at the
   *     handshake's 64 KiB. {@link AuthGate#open} lifts both.
   */
  public static void install(
      ChannelPipeline pipeline,
      int maxFrameBytes,
      Duration partialFrameTimeout,
      AuthGate gate,
      ChannelHandler session) {
    // Stateful (buffers partial frames): one per channel.
    pipeline.addLast(FRAME_DECODER, new FrameDecoder(maxFrameBytes, partialFrameTimeout));
    pipeline.addLast(FRAME_ENCODER, new FrameEncoder(maxFrameBytes));
    // Sharable singletons; removed from this pipeline by AuthGate.open once authenticated.
    pipeline.addLast(AUTH_GATE, gate);
    pipeline.addLast(SESSION, session);
    pipeline.addLast(ERRORS, DisconnectOnError.INSTANCE);
  }
}
