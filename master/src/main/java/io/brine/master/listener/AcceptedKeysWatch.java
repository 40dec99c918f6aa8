package io.brine.master.listener;

import io.brine.master.pki.MinionKeyStore;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on what the key store's watch reports ({@link MinionKeyStore#watchAccepted}), so that a key
 * removed or replaced elsewhere (another master, an offline {@code brine key -d}, an operator's
 * {@code rm}) is acted on as an online removal within moments, with no job needed to notice it: the
 * minion is disconnected and the publish key rotates.
 *
 * <p>A possible removal, or a change to a key seen before, starts a comparison ({@link
 * RemovedKeys#reconcile}); a new key is only learnt (one stamp), so an auto-accept storm costs no
 * full listings, and a minion accepted later and gone offline is still known to hold the publish
 * key when its key is removed.
 */
final class AcceptedKeysWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AcceptedKeysWatch.class);

  private final MinionKeyStore pki;
  private final RemovedKeys removed;
  private final ConnectedMinions connected;
  private final PublishKeyRotator rotator;
  private MinionKeyStore.Watch watch;
  private String lastFailure;

  private AcceptedKeysWatch(
      MinionKeyStore pki,
      RemovedKeys removed,
      ConnectedMinions connected,
      PublishKeyRotator rotator) {
    this.pki = pki;
    this.removed = removed;
    this.connected = connected;
    this.rotator = rotator;
  }

  /** Starts watching and takes the first listing (after: no change between the two is missed). */
  static AcceptedKeysWatch start(
      MinionKeyStore pki,
      RemovedKeys removed,
      ConnectedMinions connected,
      PublishKeyRotator rotator)
      throws IOException {
    AcceptedKeysWatch w = new AcceptedKeysWatch(pki, removed, connected, rotator);
    w.watch = pki.watchAccepted(w::changed);
    w.compare();
    return w;
  }

  private void changed(Set<MinionId> written, boolean compare) {
    boolean due = compare;
    for (MinionId id : written) {
      if (removed.knows(id)) {
        due = true; // a key seen before changed: maybe replaced
      } else {
        removed.learn(id);
      }
    }
    if (due) {
      compare();
    }
  }

  private synchronized void compare() {
    try {
      removed.reconcile(connected.ids(), pki.acceptedKeys());
      rotator.rotateIfCompromised();
      lastFailure = null;
    } catch (IOException | RuntimeException e) {
      String failure = e.getMessage();
      if (!Objects.equals(failure, lastFailure)) { // one line per new reason, not one per look
        log.warn("cannot compare the accepted keys with the last listing: {}", failure);
        log.debug("accepted keys comparison", e);
        lastFailure = failure;
      }
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
