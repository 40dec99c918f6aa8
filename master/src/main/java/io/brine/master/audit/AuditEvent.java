package io.brine.master.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One of brine's own entries, which OpenBao does not write: a {@code type:"event"} line whose
 * {@code event} object holds {@link #kind} and the details. Made by the factories below. Details
 * are written in clear (ids, fingerprints, counts, function names: no secret); only the accessor
 * is HMAC'd, as in a request entry (unless the device's {@code hmac_accessor} is false).
 *
 * <p>Never carries a share: {@link #unseal} takes progress counts only.
 */
public final class AuditEvent {
  /** {@link #keyDecision} kinds: the operator's, then the master's own. */
  public static final String ACCEPT = "accept";

  public static final String REJECT = "reject";
  public static final String DELETE = "delete";
  public static final String AUTO_ACCEPT = "auto_accept";
  public static final String AUTOSIGN = "autosign";
  public static final String AUTOREJECT = "autoreject";

  /** A second key for an id that has one, written to {@code minions_denied}. */
  public static final String DENIED = "denied";

  /** A key copied in by {@code brine key --import}; the details name the state it was put in. */
  public static final String IMPORT = "import";

  private static final Set<String> KEY_DECISIONS =
      Set.of(ACCEPT, REJECT, DELETE, AUTO_ACCEPT, AUTOSIGN, AUTOREJECT, DENIED, IMPORT);

  private final String kind;
  private final String accessor;
  private final String displayName;
  private final ObjectNode details;

  private AuditEvent(String kind, String accessor, String displayName, ObjectNode details) {
    this.kind = kind;
    this.accessor = accessor;
    this.displayName = displayName;
    this.details = details;
  }

  private static ObjectNode newDetails() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** The vault is sealing (written before the barrier closes, with a checkpoint after it). */
  public static AuditEvent seal() {
    return new AuditEvent("seal", null, null, newDetails());
  }

  /**
   * Unseal progress: shares counted so far of the threshold, and whether the vault is still
   * sealed. Never the share.
   */
  public static AuditEvent unseal(String sealType, int progress, int threshold, boolean sealed) {
    ObjectNode d = newDetails();
    d.put("seal_type", Objects.requireNonNull(sealType, "sealType"));
    d.put("progress", progress);
    d.put("threshold", threshold);
    d.put("sealed", sealed);
    return new AuditEvent("unseal", null, null, d);
  }

  /**
   * A minion-key decision, the operator's or the master's own.
   *
   * @param decision one of {@link #ACCEPT}, {@link #REJECT}, {@link #DELETE}, {@link
   *     #AUTO_ACCEPT}, {@link #AUTOSIGN}, {@link #AUTOREJECT}, {@link #DENIED}, {@link #IMPORT}
   * @param fingerprint the key's salt-key fingerprint ({@code Fingerprints.salt}), or null when the
   *     key file could not be read
   */
  public static AuditEvent keyDecision(String decision, String minionId, String fingerprint) {
    return keyDecision(decision, minionId, fingerprint, null);
  }

  /**
   * As {@link #keyDecision(String, String, String)}, with the state the key was put in ({@code
   * accepted}, {@code pending}, {@code rejected}, {@code denied}) for an {@link #IMPORT}; null
   * leaves it out.
   */
  public static AuditEvent keyDecision(
      String decision, String minionId, String fingerprint, String status) {
    if (!KEY_DECISIONS.contains(decision)) {
      throw new IllegalArgumentException("not a key decision: " + decision);
    }
    ObjectNode d = newDetails();
    d.put("decision", decision);
    d.put("minion", Objects.requireNonNull(minionId, "minionId"));
    if (fingerprint != null) {
      d.put("fingerprint", fingerprint);
    }
    if (status != null) {
      d.put("status", status);
    }
    return new AuditEvent("minion_key", null, null, d);
  }

  /**
   * On a cluster, this master's role changed: {@code active} (it took the HA lock, and its devices
   * opened) or {@code standby} (it gave the lock up or lost it, and its devices close), and why.
   */
  public static AuditEvent haRole(String role, String reason) {
    ObjectNode d = newDetails();
    d.put("role", Objects.requireNonNull(role, "role"));
    d.put("reason", Objects.requireNonNull(reason, "reason"));
    return new AuditEvent("ha_role", null, null, d);
  }

  /** The publish key rotated to {@code epoch}, and why. */
  public static AuditEvent publishKeyRotated(int epoch, String reason) {
    ObjectNode d = newDetails();
    d.put("epoch", epoch);
    d.put("reason", Objects.requireNonNull(reason, "reason"));
    return new AuditEvent("publish_key_rotation", null, null, d);
  }

  /**
   * A job published: who (the token's accessor, HMAC'd by the device, and display name), the
   * target as given, the minions it resolved to, the function and the jid.
   */
  public static AuditEvent job(
      String accessor,
      String displayName,
      String target,
      String tgtType,
      List<String> minions,
      String fun,
      String jid) {
    ObjectNode d = newDetails();
    d.put("jid", Objects.requireNonNull(jid, "jid"));
    d.put("fun", Objects.requireNonNull(fun, "fun"));
    d.put("tgt", Objects.requireNonNull(target, "target"));
    d.put("tgt_type", Objects.requireNonNull(tgtType, "tgtType"));
    minions.forEach(d.putArray("minions")::add);
    return new AuditEvent("job", accessor, displayName, d);
  }

  /**
   * A {@code vault_secret()} read while the master rendered a minion's pillar, allowed or refused:
   * the minion, the secret's ACL path ({@code secret/data/db/prod}), the version asked for (0: the
   * current one) and the key, if one was named. Never the value, not even HMAC'd: a pillar read is
   * audited for who read what, and the value went to the minion only.
   *
   * @param readVersion the version read, or 0 when none was (refused, or no such secret)
   * @param refusal why it was refused (the ACL's line, naming policies, or the standby's), or null
   *     when it was allowed
   */
  public static AuditEvent pillarSecret(
      String minionId, String path, int version, String key, int readVersion, String refusal) {
    ObjectNode d = newDetails();
    d.put("minion", Objects.requireNonNull(minionId, "minionId"));
    d.put("path", Objects.requireNonNull(path, "path"));
    d.put("version", version);
    if (key != null) {
      d.put("key", key);
    }
    d.put("allowed", refusal == null);
    if (refusal == null) {
      d.put("found", readVersion > 0);
      if (readVersion > 0) {
        d.put("read_version", readVersion);
      }
    } else {
      d.put("reason", refusal);
    }
    return new AuditEvent("pillar_secret", null, null, d);
  }

  /** Entries made while sealed that did not fit the buffer and are lost: how many. */
  static AuditEvent bufferOverflow(long lost) {
    ObjectNode d = newDetails();
    d.put("lost_entries", lost);
    return new AuditEvent("buffer_overflow", null, null, d);
  }

  /**
   * The file ended in a partial line when it was opened (a crash while writing): that many bytes
   * were cut off. No caller was told the partial entry was written.
   */
  static AuditEvent tornTail(long bytes) {
    ObjectNode d = newDetails();
    d.put("discarded_bytes", bytes);
    return new AuditEvent("torn_tail_removed", null, null, d);
  }

  public String kind() {
    return kind;
  }

  /** The acting token's accessor (raw), or null. */
  public String accessor() {
    return accessor;
  }

  /** The acting token's display name, or null. */
  public String displayName() {
    return displayName;
  }

  /** A copy of the details: the event's fields besides kind and who. */
  public ObjectNode details() {
    return details.deepCopy();
  }

  ObjectNode detailsView() {
    return details;
  }

  @Override
  public String toString() {
    return "AuditEvent[" + kind + "]";
  }
}
