package io.brine.master.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.RefusalLog;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.master.pki.KeyDecision;
import io.brine.master.pki.KeyDecisionLog;
import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.publish.PublishKey;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.SealStatus;
import io.brine.vault.SealedException;
import io.brine.vault.VaultException;
import io.brine.vault.VaultListener;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's audit devices, as OpenBao's audit broker: with at least one device enabled, an
 * entry must be made durable on at least one of them, or the caller gets {@link
 * AuditFailedException} and does not carry out what it was about to do (the API answers 500).
 *
 * <p>Devices live in the barrier ({@code sys/audit/...}): they open at unseal (declared ones from
 * the master config first, as OpenBao prefers since 2.3.2) and close at seal, each after a signed
 * checkpoint written while the barrier is still open ({@link #sealing}). While the vault is sealed
 * the devices are unknown: entries (the unauthenticated {@code sys/unseal} requests, unseal
 * progress) wait in memory, at most {@value #MAX_BUFFERED}, and are written in order when the
 * devices open; entries beyond that are counted and the count recorded as one event.
 *
 * <p>Seals and publish-key rotations are recorded but never held back ({@link
 * #recordWithoutBlocking}): sealing and rotating are the safe direction, and refusing them because
 * a disk is full would keep a compromised key or an open vault in service.
 *
 * <p>Thread-safe.
 */
public final class AuditBroker implements VaultListener, PublishKeyRotator.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditBroker.class);

  /** Entries kept while sealed. */
  public static final int MAX_BUFFERED = 1000;

  /** How long a caller waits for its entry to be durable before its device counts as failed. */
  static final long WRITE_WAIT_SECONDS = 30;

  /** OpenBao's refusal, word for word. */
  public static final String API_CREATION_REFUSED = "cannot enable audit device via API";

  /** One enabled device as {@code GET sys/audit} lists it. */
  public record DeviceInfo(
      String path, String type, String description, Map<String, String> options) {}

  /** The checkpoint key's public half. */
  public record CheckpointKey(String keyId, String publicKeyPem, String publicKeyBase64) {}

  private final AuditConfig config;
  private final Supplier<SealStatus> sealStatus;
  private final Clock clock;
  private final SecureRandom random;
  private final ScheduledExecutorService timer;
  private final RefusalLog unrecordedDecisions;
  private final RefusalLog unrecordedEvents;

  /** Guards sealed, buffered and lost. */
  private final Object bufferLock = new Object();

  private boolean sealed = true;
  private final Deque<AuditEntry> buffered = new ArrayDeque<>();
  private long lost;

  private volatile Map<String, FileAuditDevice> devices = Map.of();

  /** Devices that could not even be built at unseal, by name, with why: they fail every entry. */
  private volatile Map<String, String> broken = Map.of();

  // Written under this; read without it by the devices' writers (saveHead), which a seal waits for
  // while holding this.
  private volatile AuditStore store;
  private volatile CheckpointSigner signer;

  /** Tests only: lets a device's file_path name a character device such as /dev/full. */
  boolean allowCharacterDevices;

  /** Tests only: how devices look at their paths, so a test can replace a file between looks. */
  FileAuditDevice.PathLooks pathLooks = FileAuditDevice.PathLooks.FILES;

  /**
   * @param sealStatus the vault's, for the unseal event's counts
   * @param timer where the failure log lines' intervals end
   */
  public AuditBroker(
      AuditConfig config,
      Supplier<SealStatus> sealStatus,
      Clock clock,
      SecureRandom random,
      ScheduledExecutorService timer) {
    this.config = Objects.requireNonNull(config);
    this.sealStatus = Objects.requireNonNull(sealStatus);
    this.clock = Objects.requireNonNull(clock);
    this.random = Objects.requireNonNull(random);
    this.timer = Objects.requireNonNull(timer);
    this.unrecordedDecisions =
        new RefusalLog(
            log,
            "audit: a minion-key decision was not carried out because it could not be recorded:",
            RefusalLog.DEFAULT_INTERVAL,
            timer);
    this.unrecordedEvents =
        new RefusalLog(
            log,
            "audit: an event could not be recorded (it was carried out anyway):",
            RefusalLog.DEFAULT_INTERVAL,
            timer);
  }

  /** True when at least one device is enabled (its entries then must be durable). */
  public boolean enabled() {
    return !devices.isEmpty() || !broken.isEmpty();
  }

  /**
   * Records a request before it is carried out: durable (written and fsync'd, grouped with
   * others) on at least one device before this returns. Nothing to do without a device. While
   * sealed, buffered.
   *
   * @throws AuditFailedException no device recorded it: do not carry the request out
   */
  public void request(AuditRecord record) throws AuditFailedException {
    write(new AuditEntry(clock.instant(), AuditEntry.REQUEST, record, null), "request");
  }

  /**
   * Records a response, as {@link #request}. On failure the request has already been carried out
   * (as in OpenBao), but its client gets 500.
   */
  public void response(AuditRecord record) throws AuditFailedException {
    write(new AuditEntry(clock.instant(), AuditEntry.RESPONSE, record, null), "response");
  }

  /**
   * Records one of brine's events, as {@link #request}: key decisions and jobs are not carried out
   * when this throws.
   */
  public void event(AuditEvent event) throws AuditFailedException {
    write(new AuditEntry(clock.instant(), AuditEntry.EVENT, null, event), "event " + event.kind());
  }

  /**
   * Records an event without waiting and without failing: for what must never be held back by the
   * audit log (seal, publish-key rotations). A failure is one log line.
   */
  public void recordWithoutBlocking(AuditEvent event) {
    AuditEntry entry = new AuditEntry(clock.instant(), AuditEntry.EVENT, null, event);
    synchronized (bufferLock) {
      if (sealed) {
        buffer(entry);
        return;
      }
    }
    for (FileAuditDevice d : devices.values()) {
      d.submit(entry)
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  unrecordedEvents.refused(event.kind() + ": " + failure.getMessage());
                }
              });
    }
  }

  private void write(AuditEntry entry, String what) throws AuditFailedException {
    synchronized (bufferLock) {
      if (sealed) {
        buffer(entry);
        return;
      }
    }
    Map<String, FileAuditDevice> now = devices;
    Map<String, String> failing = broken;
    if (now.isEmpty() && failing.isEmpty()) {
      return;
    }
    List<CompletableFuture<Void>> written = new ArrayList<>(now.size());
    for (FileAuditDevice d : now.values()) {
      written.add(d.submit(entry));
    }
    String problem =
        failing.isEmpty() ? null : failing.entrySet().iterator().next().getValue();
    if (awaitAny(written, problem) == 0) {
      throw new AuditFailedException(
          "the " + what + " could not be recorded in the audit log: " + lastProblem(written, problem));
    }
  }

  /** Waits for every write (a hung device hangs the caller, as in OpenBao); returns how many held. */
  private static int awaitAny(List<CompletableFuture<Void>> written, String problem) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WRITE_WAIT_SECONDS);
    int ok = 0;
    for (CompletableFuture<Void> f : written) {
      try {
        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        ok++;
      } catch (ExecutionException | TimeoutException e) {
        // counted as failed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return ok;
  }

  private static String lastProblem(List<CompletableFuture<Void>> written, String problem) {
    for (CompletableFuture<Void> f : written) {
      if (f.isCompletedExceptionally()) {
        try {
          f.join();
        } catch (RuntimeException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          return cause.getMessage();
        }
      } else if (!f.isDone()) {
        return "an audit device did not answer in " + WRITE_WAIT_SECONDS + " s";
      }
    }
    return problem != null ? problem : "no audit device answered";
  }

  /** Must hold bufferLock. */
  private void buffer(AuditEntry entry) {
    if (buffered.size() < MAX_BUFFERED) {
      buffered.add(entry);
    } else {
      lost++;
    }
  }

  // ------------------------------------------------------------------ vault life cycle

  /** Opens the devices (declared ones first applied), then writes what waited while sealed. */
  @Override
  public void unsealed(Storage barrier) {
    SealStatus status = sealStatus.get();
    open(barrier, AuditEvent.unseal(status.type(), status.t(), status.t(), false));
  }

  /**
   * On a cluster, where the devices' chains live in the shared barrier and only the active master
   * writes it: the devices open when this master becomes active (not at its unseal), and what
   * waited meanwhile is written then.
   */
  public void becameActive(Storage barrier) {
    open(barrier, AuditEvent.haRole("active", "took the cluster's HA lock"));
  }

  /**
   * On a cluster: this master is no longer active; the event and a checkpoint go to every device
   * (the head is saved while the lock is still held; after a loss that save is refused), then the
   * devices close and entries wait in memory, as while sealed.
   */
  public void becameStandby(String reason) {
    closeWith(AuditEvent.haRole("standby", reason));
    sealed();
  }

  private void open(Storage barrier, AuditEvent opening) {
    synchronized (this) {
      store = new AuditStore(barrier);
      Map<String, FileAuditDevice> opened = new LinkedHashMap<>();
      Map<String, String> failed = new LinkedHashMap<>();
      try {
        signer = CheckpointSigner.loadOrCreate(barrier);
        applyDeclared();
        for (String name : store.names()) {
          try {
            opened.put(name, openStored(name));
          } catch (VaultException e) {
            // Fails closed: a device that is configured but cannot be built refuses every entry.
            log.warn("audit device {}/ cannot be opened: {}", name, e.getMessage());
            failed.put(name, "audit device " + name + "/ cannot be opened: " + e.getMessage());
          }
        }
      } catch (VaultException | RuntimeException e) {
        log.warn("audit devices cannot be loaded: {}", e.getMessage());
        log.debug("audit devices load failure", e);
        failed.put("", "audit devices cannot be loaded: " + e.getMessage());
      }
      devices = Map.copyOf(opened);
      broken = Map.copyOf(failed);
    }
    List<CompletableFuture<Void>> flushed = new ArrayList<>();
    synchronized (bufferLock) {
      for (FileAuditDevice d : devices.values()) {
        for (AuditEntry entry : buffered) {
          flushed.add(d.submit(entry));
        }
        if (lost > 0) {
          flushed.add(
              d.submit(
                  new AuditEntry(
                      clock.instant(), AuditEntry.EVENT, null, AuditEvent.bufferOverflow(lost))));
        }
      }
      if (lost > 0 && !devices.isEmpty()) {
        log.warn("audit: {} entries made while sealed did not fit the buffer and are lost", lost);
      }
      buffered.clear();
      lost = 0;
      sealed = false;
    }
    for (CompletableFuture<Void> f : flushed) {
      f.whenComplete(
          (ok, failure) -> {
            if (failure != null) {
              unrecordedEvents.refused("made while sealed: " + failure.getMessage());
            }
          });
    }
    recordWithoutBlocking(opening);
  }

  /**
   * The vault is about to seal: the seal event and a checkpoint go to every device while the
   * barrier still holds the devices' heads, then the devices close. Never fails the seal.
   */
  @Override
  public void sealing() {
    closeWith(AuditEvent.seal());
  }

  private void closeWith(AuditEvent last) {
    synchronized (bufferLock) {
      sealed = true;
    }
    synchronized (this) {
      AuditEntry seal = new AuditEntry(clock.instant(), AuditEntry.EVENT, null, last);
      for (FileAuditDevice d : devices.values()) {
        d.submit(seal); // the close below waits for it, then writes the checkpoint
      }
      closeDevices(true);
    }
  }

  @Override
  public void sealed() {
    synchronized (bufferLock) {
      sealed = true;
    }
    synchronized (this) {
      closeDevices(false); // when sealing() was not called first
      signer = null;
      store = null;
    }
  }

  /** Must hold this. */
  private void closeDevices(boolean saveHeads) {
    for (FileAuditDevice d : devices.values()) {
      d.close();
      if (saveHeads && store != null) {
        saveHead(d.name(), d.head(), d.latestCheckpoint());
      }
    }
    devices = Map.of();
    broken = Map.of();
  }

  private void saveHead(String name, AuditChain.Head head, ObjectNode checkpoint) {
    AuditStore s = store;
    if (s == null) {
      return;
    }
    try {
      s.putState(name, head, checkpoint);
    } catch (SealedException e) {
      log.debug("audit device {}/: head not saved, the vault sealed", name);
    } catch (VaultException | RuntimeException e) {
      log.warn("audit device {}/: cannot save the chain's head: {}", name, e.getMessage());
    }
  }

  /** Reopens every file device (SIGHUP, for logrotate); the chains continue. */
  public void reopen() {
    for (FileAuditDevice d : devices.values()) {
      d.reopen();
    }
  }

  /** Closes the devices (a last checkpoint each) and forgets the keys. */
  @Override
  public void close() {
    sealed();
  }

  // ------------------------------------------------------------------ devices

  /** Must hold this. Makes the store match the config's {@code audit:} list. */
  private void applyDeclared() throws VaultException {
    Map<String, AuditConfig.Declared> wanted = new LinkedHashMap<>();
    for (AuditConfig.Declared d : config.declared()) {
      try {
        wanted.put(AuditConfig.name(d.path()), d);
      } catch (InvalidRequestException e) {
        throw new VaultException("the config's audit list: " + e.getMessage(), e);
      }
    }
    for (String name : store.names()) {
      Optional<AuditStore.StoredDevice> stored = store.device(name);
      if (stored.isPresent()) {
        stored.get().salt().destroy();
        if (stored.get().declared() && !wanted.containsKey(name)) {
          store.deleteDevice(name);
          log.info("audit device {}/ disabled: it is no longer in the config", name);
        }
      }
    }
    for (Map.Entry<String, AuditConfig.Declared> w : wanted.entrySet()) {
      AuditConfig.Declared d = w.getValue();
      Optional<AuditStore.StoredDevice> stored = store.device(w.getKey());
      AuditSalt salt = stored.map(AuditStore.StoredDevice::salt).orElseGet(() -> AuditSalt.random(random));
      try {
        boolean same =
            stored.isPresent()
                && stored.get().declared()
                && stored.get().type().equals(d.type())
                && stored.get().description().equals(d.description())
                && stored.get().options().equals(d.options());
        if (!same) {
          store.putDevice(
              new AuditStore.StoredDevice(
                  w.getKey(), d.type(), d.description(), d.options(), salt, true));
          log.info("audit device {}/ {} from the config", w.getKey(), stored.isPresent() ? "updated" : "enabled");
        }
      } finally {
        salt.destroy();
      }
    }
  }

  /** Must hold this. */
  private FileAuditDevice openStored(String name) throws VaultException {
    AuditStore.StoredDevice stored =
        store.device(name).orElseThrow(() -> new VaultException("audit device " + name + "/ vanished"));
    AuditConfig.checkType(stored.type());
    FileDeviceOptions options = FileDeviceOptions.parse(stored.options(), config.allowPrefixing());
    AuditStore.State state = store.state(name);
    FileAuditDevice d = newDevice(name, stored.description(), options, stored.salt(), state);
    d.openOrFail();
    return d;
  }

  private FileAuditDevice newDevice(
      String name,
      String description,
      FileDeviceOptions options,
      AuditSalt salt,
      AuditStore.State state) {
    return new FileAuditDevice(
        name,
        description,
        options,
        salt,
        signer,
        state.head(),
        state.checkpoint(),
        clock,
        config.checkpoints(),
        (device, head, checkpoint) -> saveHead(device.name(), head, checkpoint),
        timer,
        allowCharacterDevices,
        pathLooks);
  }

  /**
   * {@code PUT sys/audit/<path>}: refused with OpenBao's {@value #API_CREATION_REFUSED} unless the
   * config has {@code unsafe_allow_api_audit_creation: true}.
   *
   * @throws InvalidRequestException a bad path, type or option, the path in use, or a file that
   *     cannot be opened (nothing is stored then)
   */
  public synchronized void enable(
      String path, String type, String description, Map<String, String> options)
      throws VaultException {
    if (!config.allowApiCreation()) {
      throw new InvalidRequestException(API_CREATION_REFUSED);
    }
    requireUnsealed();
    String name = AuditConfig.name(path);
    AuditConfig.checkType(type);
    FileDeviceOptions parsed = FileDeviceOptions.parse(options, config.allowPrefixing());
    if (devices.containsKey(name) || broken.containsKey(name) || store.device(name).isPresent()) {
      throw new InvalidRequestException("path already in use");
    }
    for (FileAuditDevice d : devices.values()) {
      if (!FileDeviceOptions.DISCARD.equals(parsed.filePath())
          && d.options().filePath().equals(parsed.filePath())) {
        throw new InvalidRequestException(
            "file_path is already written by audit device " + d.name() + "/");
      }
    }
    AuditSalt salt = AuditSalt.random(random);
    store.deleteDevice(name); // a stale head of an earlier device at this path
    FileAuditDevice device =
        newDevice(name, description, parsed, salt, new AuditStore.State(AuditChain.Head.START, null));
    try {
      device.open();
    } catch (IOException e) {
      salt.destroy();
      throw new InvalidRequestException("cannot open the audit file: " + e.getMessage());
    }
    try {
      store.putDevice(
          new AuditStore.StoredDevice(name, type, description, options, salt, false));
    } catch (VaultException | RuntimeException e) {
      device.close();
      throw e;
    }
    Map<String, FileAuditDevice> next = new LinkedHashMap<>(devices);
    next.put(name, device);
    devices = Map.copyOf(next);
    log.info("audit device {}/ enabled through the API: {}", name, parsed.filePath());
  }

  /** {@code DELETE sys/audit/<path>}: closes the device and drops its salt; idempotent. */
  public synchronized void disable(String path) throws VaultException {
    requireUnsealed();
    String name = AuditConfig.name(path);
    Map<String, FileAuditDevice> next = new HashMap<>(devices);
    FileAuditDevice device = next.remove(name);
    if (device != null) {
      devices = Map.copyOf(next);
      device.close();
    }
    Map<String, String> stillBroken = new HashMap<>(broken);
    stillBroken.remove(name);
    broken = Map.copyOf(stillBroken);
    store.deleteDevice(name);
    log.info("audit device {}/ disabled", name);
  }

  /** {@code GET sys/audit}: the enabled devices by path ({@code "file/"}), sorted. */
  public synchronized Map<String, DeviceInfo> list() throws VaultException {
    requireUnsealed();
    Map<String, DeviceInfo> out = new TreeMap<>();
    for (FileAuditDevice d : devices.values()) {
      out.put(
          d.name() + "/",
          new DeviceInfo(d.name() + "/", "file", d.description(), d.options().shown()));
    }
    return out;
  }

  /** {@code sys/audit-hash/<path>}: {@code hmac-sha256:<hex>} of {@code input} with its salt. */
  public String hash(String path, String input) throws VaultException {
    requireUnsealedNow();
    FileAuditDevice d = devices.get(AuditConfig.name(path));
    if (d == null) {
      throw new InvalidRequestException("unknown audit device " + RefusalLog.shown(path));
    }
    return d.hash(input);
  }

  /** The latest checkpoint line of a device, parsed; empty before its first. */
  public Optional<ObjectNode> latestCheckpoint(String path) throws VaultException {
    requireUnsealedNow();
    FileAuditDevice d = devices.get(AuditConfig.name(path));
    if (d == null) {
      throw new InvalidRequestException("unknown audit device " + RefusalLog.shown(path));
    }
    return Optional.ofNullable(d.latestCheckpoint());
  }

  /** The checkpoint key's public half (made on first use). */
  public synchronized CheckpointKey checkpointKey() throws VaultException {
    requireUnsealed();
    return new CheckpointKey(signer.keyId(), signer.publicKeyPem(), signer.publicKeyBase64());
  }

  /** Must hold this. */
  private void requireUnsealed() throws SealedException {
    if (store == null || signer == null) {
      throw new SealedException();
    }
  }

  private synchronized void requireUnsealedNow() throws SealedException {
    requireUnsealed();
  }

  // ------------------------------------------------------------------ adapters

  /** For {@link io.brine.master.pki.PkiDirectory#recordDecisionsIn}: one event per decision. */
  public KeyDecisionLog keyDecisions() {
    return new KeyDecisionLog() {
      @Override
      public boolean record(KeyDecision decision, MinionId id, String publicKeyPem) {
        return recordKeyDecision(decision, id, publicKeyPem, null);
      }

      @Override
      public boolean recordImport(MinionId id, KeyStatus status, String publicKeyPem) {
        return recordKeyDecision(KeyDecision.IMPORT, id, publicKeyPem, KeyRules.label(status));
      }
    };
  }

  private boolean recordKeyDecision(
      KeyDecision decision, MinionId id, String publicKeyPem, String status) {
    try {
      event(
          AuditEvent.keyDecision(
              decision.wireName(), id.value(), fingerprint(publicKeyPem), status));
      return true;
    } catch (AuditFailedException e) {
      unrecordedDecisions.refused(
          decision.wireName() + " of minion " + RefusalLog.shown(id.value()) + ": "
              + e.getMessage());
      return false;
    }
  }

  private static String fingerprint(String pem) {
    if (pem == null) {
      return null;
    }
    try {
      return Fingerprints.salt(pem);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A publish-key rotation: recorded, never held back. */
  @Override
  public void rotated(PublishKey current, String reason) {
    recordWithoutBlocking(AuditEvent.publishKeyRotated(current.epoch(), reason));
  }
}
