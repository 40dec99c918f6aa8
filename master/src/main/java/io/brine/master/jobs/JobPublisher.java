package io.brine.master.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import io.brine.crypto.WeakKeyException;
import io.brine.master.grains.GrainStore;
import io.brine.master.listener.MinionListener;
import io.brine.master.pki.AcceptedKeys;
import io.brine.master.pki.MinionKeyStore;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.JobPublication;
import io.brine.protocol.job.Target;
import io.brine.protocol.publish.PublishEnvelope;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a job (salt.md §6): resolves the target against the accepted keys, records the job in
 * the {@link JobStore} with the minions it targets and those of them not connected, and hands the
 * publication, encrypted once under the publish key and signed once by the master, to each
 * targeted connected minion. Thread-safe.
 */
public final class JobPublisher {
  private static final Logger log = LoggerFactory.getLogger(JobPublisher.class);

  /** Nothing matched the target: no job was made. */
  public static final class NoMinionsMatched extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * How its message starts, for clients of the API that tell this case apart; the rest says why
     * ("matches glob:web*", "has grain os matching Debian", "has sent its grains yet ...").
     */
    public static final String PREFIX = "no accepted minion ";

    NoMinionsMatched(String message) {
      super(message);
    }
  }

  /** What {@link #publish} did: the job id, the targeted minions connected, the ones missing. */
  public record Published(String jid, List<MinionId> minions, List<MinionId> missing) {}

  /**
   * Decides, once the target is resolved and before anything is recorded or sent, whether the job
   * may go: the operator API checks the caller's policy on the resolved minions (never on the
   * target string) and records the job in the audit trail.
   */
  @FunctionalInterface
  public interface Admission {
    /** Every job goes. */
    Admission ALL = (jid, minions, missing) -> {};

    /**
     * @param minions the matching minions that are connected
     * @param missing the matching minions that are not
     * @throws Refused when the job must not go to these minions
     * @throws IOException when the job cannot be recorded where it must be
     */
    void admit(String jid, List<MinionId> minions, List<MinionId> missing)
        throws Refused, IOException;
  }

  /** The admission refused the job; its message says why, for the caller. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message);
    }
  }

  private record CachedSealer(KeyPair keys, PublishEnvelope.Sealer sealer) {}

  /** The master key that signs a publication of a publish epoch; empty while sealed. */
  @FunctionalInterface
  public interface SigningKeys {
    Optional<KeyPair> forPublishEpoch(int epoch);
  }

  /**
   * A cluster's fan-out: once recorded, the job goes to the queue every other master reads ({@code io.brine.master.jobs.shared.JobQueue}), and each of them hands it
   * to the targeted minions connected there ({@link #deliver}).
   */
  @FunctionalInterface
  public interface FanOut {
    /** Queues {@code publication} (its JSON) for the other masters of the cluster. */
    void queue(String jid, byte[] publication) throws IOException;
  }

  private final SigningKeys masterKey;
  private final MinionKeyStore pki;
  private final MinionListener listener;
  private final JobStore cache;
  private final Clock clock;
  private final AtomicReference<CachedSealer> sealer = new AtomicReference<>();
  private volatile FanOut fanOut;
  private volatile GrainStore grains;
  private volatile LastPillars pillars;
  private volatile Nodegroups nodegroups = Nodegroups.NONE;

  public JobPublisher(
      SigningKeys masterKey,
      MinionKeyStore pki,
      MinionListener listener,
      JobStore cache,
      Clock clock) {
    this.masterKey = masterKey;
    this.pki = pki;
    this.listener = listener;
    this.cache = cache;
    this.clock = clock;
  }

  /**
   * Makes this the publisher of one master of a cluster: every job also goes to the others
   * through {@code fanOut}, and a job's targets are every accepted minion that matches, wherever
   * it is connected (a minion connected to no master of the cluster does not return, as in Salt).
   */
  public void fanOutThrough(FanOut fanOut) {
    this.fanOut = fanOut;
  }

  /**
   * Resolves grain, ipcidr and compound targets against the grains the minions sent ({@code
   * grains}); without a store every grain term is false.
   */
  public void grainsFrom(GrainStore grains) {
    this.grains = grains;
  }

  /** Resolves pillar targets against the pillar compiled last for each minion. */
  public void pillarsFrom(LastPillars pillars) {
    this.pillars = pillars;
  }

  /** The master config's nodegroups, expanded by {@link #target} for {@code -N} and {@code N@}. */
  public void useNodegroups(Nodegroups nodegroups) {
    this.nodegroups = nodegroups;
  }

  /**
   * The target a caller names by Salt's {@code tgt_type}, a nodegroup or an {@code N@} expanded
   * into the compound expression the publication carries.
   *
   * @throws ProtocolException with one line when it is no valid target
   */
  public Target target(String type, String expression, String delimiter)
      throws ProtocolException {
    return nodegroups.resolve(type, expression, delimiter);
  }

  /**
   * Publishes {@code job} (its jid is replaced by a fresh one).
   *
   * @throws NoMinionsMatched when no accepted key matches the target
   * @throws IOException when the job cannot be recorded, or the vault sealed meanwhile
   */
  public Published publish(JobRequest job) throws NoMinionsMatched, IOException {
    try {
      return publish(job, Admission.ALL);
    } catch (Refused e) {
      throw new IllegalStateException("a job was refused by the admission that admits all", e);
    }
  }

  /** The minions a target reaches: connected ones (any on a cluster), and the others. */
  public record Resolved(List<MinionId> minions, List<MinionId> missing) {}

  /**
   * The minions {@code job} would go to, without recording or sending anything: {@code brine run
   * -b} resolves its target once, then publishes to a few minions at a time.
   *
   * @throws NoMinionsMatched when no accepted key matches the target
   * @throws IOException when the accepted keys cannot be read
   */
  public Resolved resolve(JobRequest job) throws NoMinionsMatched, IOException {
    return resolve(job, pki.acceptedKeys(), listener.connected().ids(), fanOut != null);
  }

  private Resolved resolve(
      JobRequest job, AcceptedKeys accepted, Set<MinionId> connected, boolean cluster)
      throws NoMinionsMatched, IOException {
    List<MinionId> minions = new ArrayList<>();
    List<MinionId> missing = new ArrayList<>();
    // The grains are read only for a target that needs them; an id-only target costs none.
    GrainStore store = grains;
    GrainStore.Snapshot snapshot =
        job.target().needsGrains() && store != null ? store.snapshot() : null;
    LastPillars known = pillars;
    for (MinionId id : accepted.ids()) {
      if (job.target().matches(
          id,
          () -> snapshot == null ? null : snapshot.grains(id),
          () -> known == null ? null : known.pillar(id))) {
        // On a cluster a minion this master does not hold may be on another master.
        (cluster || connected.contains(id) ? minions : missing).add(id);
      }
    }
    if (minions.isEmpty() && missing.isEmpty()) {
      throw new NoMinionsMatched(noMatch(job, accepted, snapshot));
    }
    return new Resolved(List.copyOf(minions), List.copyOf(missing));
  }


  /**
   * Publishes {@code job} if {@code admission} lets it go to the minions its target resolves to.
   *
   * @throws NoMinionsMatched when no accepted key matches the target
   * @throws Refused when {@code admission} refuses: nothing is recorded or sent
   * @throws IOException when the job cannot be recorded, or the vault sealed meanwhile
   */
  public Published publish(JobRequest job, Admission admission)
      throws NoMinionsMatched, Refused, IOException {
    Set<MinionId> connected = listener.connected().ids();
    AcceptedKeys accepted = pki.acceptedKeys();
    FanOut cluster = fanOut;
    Resolved resolved = resolve(job, accepted, connected, cluster != null);
    List<MinionId> minions = resolved.minions();
    List<MinionId> missing = resolved.missing();
    String jid = Jid.next(clock);
    admission.admit(jid, List.copyOf(minions), List.copyOf(missing));
    // ts: the minions refuse a publication older than their publish_max_age, so a recorded one
    // cannot run again once they have forgotten its jid (docs/protocol.md §5.1).
    JobPublication publication =
        new JobPublication(
            jid,
            clock.instant(),
            job.target(),
            job.fun(),
            job.args(),
            job.kwargs(),
            job.timeout());
    cache.create(
        new JobRecord(
            jid,
            job.fun(),
            JobJson.MAPPER.convertValue(job.args(), new TypeReference<List<Object>>() {}),
            JobJson.MAPPER.convertValue(job.kwargs(), new TypeReference<Map<String, Object>>() {}),
            job.target().expression(),
            job.target().type().wireName(),
            List.copyOf(minions),
            List.copyOf(missing),
            clock.instant(),
            job.timeout()));
    byte[] plaintext = publication.toJson();
    Set<MinionId> connectedNow = connected;
    if (cluster != null) {
      cluster.queue(jid, plaintext);
      // Read again now that the job is recorded: a minion whose session was established after
      // the first read looked for its unreturned jobs (JobRedelivery) before this one existed,
      // and would get it from neither path (found by the swarm: a few minions that failed over
      // in a storm missed the job published just then). A look-up from here on finds the job;
      // a minion both paths reach runs it once (its jid memory).
      connectedNow = listener.connected().ids();
    }
    List<MinionId> here = new ArrayList<>();
    for (MinionId id : minions) {
      if (connectedNow.contains(id)) {
        here.add(id);
      }
    }
    if (!here.isEmpty()) {
      if (masterKey.forPublishEpoch(Integer.MAX_VALUE).isEmpty()) {
        throw new IOException("the vault is sealed");
      }
      handTo(here, connected, accepted, jid, plaintext);
    }
    log.info(
        "job {}: {} to {} ({} connected, {} missing)",
        jid,
        job.fun(),
        job.target(),
        minions.size(),
        missing.size());
    return new Published(jid, List.copyOf(minions), List.copyOf(missing));
  }

  /** Why nothing matched, naming the grain, or saying that no grains are known yet. */
  private static String noMatch(JobRequest job, AcceptedKeys accepted, GrainStore.Snapshot grains) {
    if (job.target().needsGrains() && !accepted.ids().isEmpty()) {
      int known = 0;
      for (MinionId id : accepted.ids()) {
        if (grains != null && grains.grains(id) != null) {
          known++;
        }
      }
      if (known == 0) {
        return NoMinionsMatched.PREFIX
            + "has sent its grains yet (each sends them when it connects), so none matches "
            + job.target();
      }
      if (known < accepted.ids().size()) {
        return job.target().noMatchReason()
            + " (grains are known for "
            + known
            + " of the "
            + accepted.ids().size()
            + " accepted minions)";
      }
    }
    return job.target().noMatchReason();
  }

  /**
   * Hands a job another master of the cluster published to the targeted minions connected here
   * (the queue's consumer). The publication is checked as a minion checks it; a job this master
   * cannot seal (sealed meanwhile) is logged and left: its minions do not return, as when one is
   * offline.
   *
   * <p>It goes only to the minions the publishing master resolved and admitted (the job's record
   * in the shared store), never to the target resolved again here: a key accepted after the
   * admission (a second, a delayed poll, an outage later) would otherwise receive a job the
   * caller's {@code allowed_minions} never let it run.
   */
  public void deliver(String jid, byte[] publicationJson) {
    try {
      Optional<JobPublication> publication = parse(jid, publicationJson);
      if (publication.isEmpty() || listener.connected().size() == 0) {
        return;
      }
      Optional<JobView> recorded = cache.find(jid);
      if (recorded.isEmpty()) {
        log.warn("a queued job {} has no record in the job store; not delivered", jid);
        return;
      }
      int handed = handOn(publication.get(), publicationJson, recorded.get().job(), null);
      if (handed > 0) {
        log.info("job {}: {} from another master, to {} minion(s) here", jid,
            publication.get().fun(), handed);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot deliver job {} from another master: {}", jid, e.getMessage());
    }
  }

  /**
   * Hands a recent job again to one minion that has just connected here, and may have been
   * between masters when the job was published ({@code io.brine.master.jobs.shared.JobRedelivery}):
   * the same checks and the same sealing as {@link #deliver}, to {@code id} alone. The minion's
   * memory of jids makes a second copy of a job it has already run harmless.
   *
   * @param recorded the job's record as the publishing master sealed it: {@code id} must be among
   *     the minions it admitted
   * @return whether it was handed to {@code id} (connected, admitted, accepted, matching)
   * @throws IOException when it cannot be sealed (the vault sealed meanwhile)
   */
  public boolean redeliver(MinionId id, JobRecord recorded, byte[] publicationJson)
      throws IOException {
    Optional<JobPublication> publication = parse(recorded.jid(), publicationJson);
    return publication.isPresent()
        && handOn(publication.get(), publicationJson, recorded, id) > 0;
  }

  /** The publication, checked as a minion checks it; empty (logged) when it is not one. */
  private static Optional<JobPublication> parse(String jid, byte[] publicationJson) {
    try {
      JobPublication publication = JobPublication.parse(publicationJson);
      if (!publication.jid().equals(jid)) {
        log.warn("a queued job names jid {} but carries {}; not delivered", jid, publication.jid());
        return Optional.empty();
      }
      return Optional.of(publication);
    } catch (ProtocolException e) {
      log.warn("a queued job {} is not a valid publication: {}", jid, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Hands a publication of another master (or one again) to the minions connected here that its
   * record admitted, whose key is still accepted and that its target matches; to {@code only}
   * alone when it is not null.
   *
   * @return how many it was handed to
   */
  private int handOn(
      JobPublication publication, byte[] publicationJson, JobRecord recorded, MinionId only)
      throws IOException {
    Set<MinionId> connected = listener.connected().ids();
    Set<MinionId> admitted = Set.copyOf(recorded.minions());
    AcceptedKeys accepted = pki.acceptedKeys();
    List<MinionId> here = new ArrayList<>();
    for (MinionId id : accepted.ids()) {
      if ((only == null || only.equals(id))
          && connected.contains(id)
          && admitted.contains(id)
          // A grain target is not resolved again here: the publishing master resolved it on the
          // grains of that moment (the record's admitted minions), and each minion checks it
          // against its own grains before it runs anything.
          && (publication.target().needsGrains()
              || publication.target().needsPillar()
              || publication.target().matches(id))) {
        here.add(id);
      }
    }
    if (here.isEmpty()) {
      return 0;
    }
    return handTo(here, connected, accepted, publication.jid(), publicationJson);
  }

  /**
   * Seals {@code plaintext} once and hands it to each of {@code minions}.
   *
   * @return how many of them it was handed to (the others disconnected meanwhile)
   */
  private int handTo(
      List<MinionId> minions,
      Set<MinionId> connected,
      AcceptedKeys accepted,
      String jid,
      byte[] plaintext)
      throws IOException {
    MinionListener.Sealed sealed;
    try {
      // Never under a key a removed minion holds: the listener checks the listing and rotates.
      // The signer goes by the publish key's epoch: just after a rotation of the master's key,
      // the epochs sessions held before it are still signed with the old key (§2.8).
      sealed = listener.seal(connected, accepted, key -> sealer(key.epoch()).seal(key, plaintext));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot seal job " + jid + ": " + e.getMessage(), e);
    }
    Set<MinionId> handed = listener.publish(minions, sealed.epoch(), sealed.envelope());
    if (handed.size() < minions.size()) {
      log.debug("job {}: {} minion(s) disconnected while it was published", jid,
          minions.size() - handed.size());
    }
    return handed.size();
  }

  /** One sealer per signing key: it holds the key's prepared RSA signer. */
  private PublishEnvelope.Sealer sealer(int publishEpoch) throws GeneralSecurityException {
    KeyPair keys =
        masterKey
            .forPublishEpoch(publishEpoch)
            .orElseThrow(() -> new GeneralSecurityException("the vault is sealed"));
    CachedSealer c = sealer.get();
    if (c != null && c.keys() == keys) {
      return c.sealer();
    }
    try {
      PublishEnvelope.Sealer fresh =
          PublishEnvelope.Sealer.create((RSAPrivateCrtKey) keys.getPrivate());
      sealer.set(new CachedSealer(keys, fresh));
      return fresh;
    } catch (WeakKeyException e) {
      throw new IllegalStateException("the master key breaks the key policy", e);
    }
  }
}
