package io.brine.master.listener;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code minions/} so that a key removed or replaced behind the master's back (an offline
 * {@code brine key -d}, an operator's {@code rm}) is acted on as an online removal within moments,
 * with no job needed to notice it: the minion is disconnected and the publish key rotates.
 *
 * <p>One thread. A deletion, or a change to a key file seen before, starts a comparison ({@link
 * RemovedKeys#reconcile}); a new key is only learnt (one {@code lstat}), so an auto-accept storm
 * costs no folder scans, and a minion accepted later and gone offline is still known to hold the
 * publish key when its file is removed. A comparison also runs every {@link
 * #BACKSTOP} whatever the events: a file system without change events (NFS) and a lost event
 * ({@code OVERFLOW}) still get noticed.
 */
final class AcceptedKeysWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AcceptedKeysWatch.class);

  /** The longest a removal goes unnoticed when no event reports it. */
  static final Duration BACKSTOP = Duration.ofSeconds(10);

  /** Events arriving this soon after one are taken into the same comparison (a batch of deletes). */
  private static final long SETTLE_MILLIS = 20;

  private final PkiDirectory pki;
  private final RemovedKeys removed;
  private final ConnectedMinions connected;
  private final PublishKeyRotator rotator;
  private final WatchService watch;
  private final Thread thread;
  private String lastFailure;

  private AcceptedKeysWatch(
      PkiDirectory pki,
      RemovedKeys removed,
      ConnectedMinions connected,
      PublishKeyRotator rotator,
      WatchService watch) {
    this.pki = pki;
    this.removed = removed;
    this.connected = connected;
    this.rotator = rotator;
    this.watch = watch;
    this.thread = new Thread(this::run, "brine-minions-watch");
    this.thread.setDaemon(true);
  }

  /** Takes the first listing and starts watching. */
  static AcceptedKeysWatch start(
      PkiDirectory pki, RemovedKeys removed, ConnectedMinions connected, PublishKeyRotator rotator)
      throws IOException {
    Path folder = pki.root().resolve(KeyStatus.ACCEPTED.dirName());
    WatchService watch = folder.getFileSystem().newWatchService();
    try {
      folder.register(watch, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
    } catch (IOException | RuntimeException e) {
      // No events then (an inotify limit, say): the backstop still compares, and so does a publish.
      log.warn(
          "cannot watch {} ({}); a key removed behind the master's back is noticed within {} s"
              + " or at the next job",
          folder,
          e.getMessage(),
          BACKSTOP.toSeconds());
    }
    AcceptedKeysWatch w = new AcceptedKeysWatch(pki, removed, connected, rotator, watch);
    w.compare();
    w.thread.start();
    return w;
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watch.poll(BACKSTOP.toMillis(), TimeUnit.MILLISECONDS);
        boolean due = key == null || relevant(key);
        // A batch of deletions arrives as a burst of events: one comparison for all of it.
        for (key = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
            key != null;
            key = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) {
          due |= relevant(key);
        }
        if (due) {
          compare();
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closed: the listener stops
    }
  }

  /** Drains {@code key}'s events; true when one may be a removal or a replacement. */
  private boolean relevant(WatchKey key) {
    boolean relevant = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        relevant = true;
        continue;
      }
      String name = Objects.toString(event.context(), "");
      if (!MinionId.isValid(name)) {
        continue; // a temp file of an atomic write, or a stray name the listing ignores too
      }
      MinionId id = MinionId.of(name);
      if (event.kind() == ENTRY_DELETE || removed.knows(id)) {
        relevant = true;
      } else {
        removed.learn(id);
      }
    }
    key.reset();
    return relevant;
  }

  private void compare() {
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
    try {
      watch.close();
    } catch (IOException e) {
      log.debug("closing the minions/ watch", e);
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
