package io.brine.master.grains;

import io.brine.common.files.DurableFiles;
import io.brine.common.log.LogText;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.GrainsDocument;
import io.brine.protocol.job.SessionCall;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single master's grains: in memory, as the JSON each minion sent (compact; parsed only for a
 * target that needs it), and in one small durable file per minion, {@code
 * <cachedir>/grains/<id>.json}, so a restarted master resolves grain targets before its minions
 * reconnect. Grains that did not change are not written again. Thread-safe.
 */
public final class FileGrainStore implements GrainStore {
  private static final Logger log = LoggerFactory.getLogger(FileGrainStore.class);
  private static final String SUFFIX = ".json";

  private final Path dir;
  private final Map<MinionId, byte[]> grains = new ConcurrentHashMap<>();

  private FileGrainStore(Path dir) {
    this.dir = dir;
  }

  /** Opens (or makes) {@code dir} and reads the grains kept there; a bad file is one WARN line. */
  public static FileGrainStore open(Path dir) throws IOException {
    DurableFiles.ensureFolder(dir);
    FileGrainStore store = new FileGrainStore(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.startsWith(DurableFiles.TEMP_PREFIX)) {
          continue;
        }
        try {
          MinionId id = MinionId.of(name.substring(0, name.length() - SUFFIX.length()));
          byte[] json = DurableFiles.read(file, SessionCall.MAX_GRAINS_BYTES);
          if (json != null) {
            GrainsDocument.decode(json);
            store.grains.put(id, json);
          }
        } catch (IllegalArgumentException | IOException | ProtocolException e) {
          log.warn("ignoring the grains file {}: {}", LogText.escape(file.toString()),
              LogText.escape(e.getMessage()));
        }
      }
    }
    return store;
  }

  @Override
  public synchronized void put(MinionId id, byte[] json) throws IOException {
    byte[] before = grains.get(id);
    if (before != null && Arrays.equals(before, json)) {
      return;
    }
    DurableFiles.write(file(id), json, DurableFiles.PRIVATE);
    grains.put(id, json.clone());
  }

  @Override
  public synchronized void remove(MinionId id) throws IOException {
    grains.remove(id);
    DurableFiles.delete(file(id));
  }

  /**
   * Forgets the grains of every minion not in {@code accepted}: keys removed while the master was
   * stopped (a folder edited by hand, {@code brine key -d} offline).
   *
   * @return how many were forgotten
   */
  public synchronized int retainOnly(Set<MinionId> accepted) throws IOException {
    int forgotten = 0;
    for (MinionId id : Set.copyOf(grains.keySet())) {
      if (!accepted.contains(id)) {
        remove(id);
        forgotten++;
      }
    }
    return forgotten;
  }

  @Override
  public Snapshot snapshot() {
    Map<MinionId, byte[]> now = Map.copyOf(grains);
    return new Snapshot() {
      @Override
      public Map<String, Object> grains(MinionId id) {
        byte[] json = now.get(id);
        if (json == null) {
          return null;
        }
        try {
          return GrainsDocument.decode(json);
        } catch (ProtocolException e) {
          return null; // checked on the way in; cannot happen short of a damaged heap
        }
      }

      @Override
      public int size() {
        return now.size();
      }
    };
  }

  private Path file(MinionId id) {
    return dir.resolve(id.value() + SUFFIX);
  }
}
