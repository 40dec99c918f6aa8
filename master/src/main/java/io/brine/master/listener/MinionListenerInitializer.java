package io.brine.master.listener;

import io.brine.master.config.MasterConfig;
import io.brine.protocol.wire.AuthGate;
import io.brine.protocol.wire.WirePipeline;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * Every minion connection's pipeline, top to bottom (WirePipeline): the bounded frame decoder (64
 * KiB and a partial-frame deadline until the minion is authenticated), the
 * frame encoder, the gate that lets only HELLO through until the minion is authenticated, the
 * connection's handshake and session handler, and the error handler last.
 */
final class MinionListenerInitializer extends ChannelInitializer<SocketChannel> {
  private final int maxFrameBytes;
  private final Handshakes handshakes;
  private final ConnectedMinions connected;
  private final Reauthentication reauth;
  private final SessionRequests requests;
  private final MasterConfig.Admission admission;
  private final ConnectionLimits limits;

  MinionListenerInitializer(
      int maxFrameBytes,
      Handshakes handshakes,
      ConnectedMinions connected,
      Reauthentication reauth,
      SessionRequests requests,
      MasterConfig.Admission admission,
      ConnectionLimits limits) {
    this.maxFrameBytes = maxFrameBytes;
    this.limits = limits;
    this.handshakes = handshakes;
    this.connected = connected;
    this.reauth = reauth;
    this.requests = requests;
    this.admission = admission;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    WirePipeline.install(
        ch.pipeline(),
        maxFrameBytes,
        admission.partialFrameTimeout(),
        AuthGate.MASTER_SIDE,
        // Stateful (the minion's id and session): one per connection.
        new MinionConnectionHandler(handshakes, connected, reauth, requests, admission, limits));
  }
}
