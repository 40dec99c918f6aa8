package io.brine.master.listener;

import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.publish.PublishKey;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each rotation of the publish key, asks every connected minion to re-authenticate over its
 * open connection, each at a uniformly random moment within {@code reauth_window}: ten thousand
 * minions then cost the master ten thousand RSA operations spread over the window, not at once.
 * The minion answers a REAUTH with a new HELLO and gets a WELCOME with the new publish key and a
 * new session (docs/protocol.md §3.1).
 */
final class Reauthentication implements PublishKeyRotator.Listener {
  private static final Logger log = LoggerFactory.getLogger(Reauthentication.class);

  private final ConnectedMinions connected;
  private final PublishKeyRotator rotator;
  private final long windowMillis;

  Reauthentication(ConnectedMinions connected, PublishKeyRotator rotator, Duration window) {
    this.connected = connected;
    this.rotator = rotator;
    this.windowMillis = window.toMillis();
  }

  @Override
  public void rotated(PublishKey current, String reason) {
    Collection<Channel> channels = connected.channels();
    if (channels.isEmpty()) {
      return;
    }
    log.info(
        "asking {} connected minion(s) to re-authenticate for epoch {} within {} ms",
        channels.size(),
        current.epoch(),
        windowMillis);
    for (Channel channel : channels) {
      schedule(channel, current.epoch());
    }
  }

  /**
   * A session made just as a rotation happened may carry the old epoch after the rotation's
   * listeners ran; such a minion is asked again like the others.
   */
  void catchUp(Channel channel, int sessionEpoch) {
    int now = rotator.current().epoch();
    if (now > sessionEpoch) {
      schedule(channel, now);
    }
  }

  private void schedule(Channel channel, int epoch) {
    long delay = windowMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(windowMillis);
    channel
        .eventLoop()
        .schedule(
            () -> {
              channel.pipeline().fireUserEventTriggered(new ReauthDue(epoch));
            },
            delay,
            TimeUnit.MILLISECONDS);
  }
}
