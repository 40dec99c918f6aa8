package io.brine.master.pki;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PkiDirectory#watchAccepted}: one thread on a {@link WatchService} of {@code minions/}. A
 * deletion (or a lost event) asks for a comparison; a created or changed file is reported by id, so
 * a watcher can learn a new key with one {@code lstat} and an auto-accept storm costs no folder
 * scans. Events arriving within {@link #SETTLE_MILLIS} of one another are reported together (a
 * batch of deletes is one comparison).
 */
final class FolderWatch implements MinionKeyStore.Watch {
  private static final Logger log = LoggerFactory.getLogger(FolderWatch.class);

  /** The longest a removal goes unnoticed when no event reports it. */
  static final Duration BACKSTOP = Duration.ofSeconds(10);

  private static final long SETTLE_MILLIS = 20;

  private final WatchService watch;
  private final MinionKeyStore.Watcher watcher;
  private final Thread thread;

  private FolderWatch(WatchService watch, MinionKeyStore.Watcher watcher) {
    this.watch = watch;
    this.watcher = watcher;
    this.thread = new Thread(this::run, "brine-minions-watch");
    this.thread.setDaemon(true);
  }

  static FolderWatch start(Path folder, MinionKeyStore.Watcher watcher) throws IOException {
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
    FolderWatch w = new FolderWatch(watch, watcher);
    w.thread.start();
    return w;
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watch.poll(BACKSTOP.toMillis(), TimeUnit.MILLISECONDS);
        Set<MinionId> written = new TreeSet<>();
        boolean compare = key == null || drain(key, written);
        for (key = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
            key != null;
            key = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) {
          compare |= drain(key, written);
        }
        if (compare || !written.isEmpty()) {
          tell(written, compare);
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closed: the watcher stops
    }
  }

  /** Drains {@code key}'s events into {@code written}; true when one may be a removal. */
  private static boolean drain(WatchKey key, Set<MinionId> written) {
    boolean removal = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        removal = true;
        continue;
      }
      String name = Objects.toString(event.context(), "");
      if (!MinionId.isValid(name)) {
        continue; // a temp file of an atomic write, or a stray name the listing ignores too
      }
      if (event.kind() == ENTRY_DELETE) {
        removal = true;
      } else {
        written.add(MinionId.of(name));
      }
    }
    key.reset();
    return removal;
  }

  private void tell(Set<MinionId> written, boolean compare) {
    try {
      watcher.changed(written, compare);
    } catch (RuntimeException e) {
      log.debug("accepted keys watcher failed", e); // the watcher logs its own failures
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
