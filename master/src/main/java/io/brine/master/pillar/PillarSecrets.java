package io.brine.master.pillar;

import io.brine.common.log.RefusalLog;
import io.brine.common.render.TemplateFunction;
import io.brine.master.audit.AuditBroker;
import io.brine.master.audit.AuditEvent;
import io.brine.master.audit.AuditFailedException;
import io.brine.master.ha.ClusterStatus;
import io.brine.protocol.MinionId;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.SealedException;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;
import io.brine.vault.kv.KvVersion;
import io.brine.vault.policy.Acl;
import io.brine.vault.policy.AclDecision;
import io.brine.vault.policy.Capability;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vault_secret(path, key=None, version=0)} in a minion's pillar: the KV v2 engine's secret
 * {@code secret/data/<path>} (its whole data, or one key's value), read only when the policies
 * {@code pillar_secret_policies} binds to that minion allow {@code read} on that path under the
 * operator API's own ACL ({@link Acl#check}, as a token's GET of {@code /v1/secret/data/<path>}).
 *
 * <p>Every read the ACL decides is recorded in the audit log before the render goes on: minion,
 * path, version, key, allowed or refused, never the value. A read the log cannot record is refused
 * (as the API refuses a request it cannot audit). A refusal is one WARN line (one per interval in
 * a flood) and ends the render with one line for the minion; the secret itself is never in an
 * error, a log line or the audit log.
 *
 * <p>A cluster's standby reads no secret: its audit devices are closed (only the active master
 * writes the shared log), so it could not record the read.
 */
public final class PillarSecrets {
  private static final Logger log = LoggerFactory.getLogger(PillarSecrets.class);

  /** The engine's mount: the ACL path of a read is this, {@code data/}, and the secret path. */
  static final String DATA = "secret/data/";

  private final Vault vault;
  private final SecretPolicies policies;
  private final AuditBroker audit;
  private final ClusterStatus cluster;
  private final RefusalLog refusals;

  public PillarSecrets(
      Vault vault,
      SecretPolicies policies,
      AuditBroker audit,
      ClusterStatus cluster,
      RefusalLog refusals) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
  }

  /** The vault, for the compiler's sealed check. */
  Vault vault() {
    return vault;
  }

  /** The function for one compile of {@code minion}'s pillar. */
  Reads reads(MinionId minion) {
    return new Reads(minion);
  }

  /** A render's failure in {@code vault_secret}: its message is the line the minion gets. */
  static final class SecretException extends Exception {
    private static final long serialVersionUID = 1L;

    SecretException(String message) {
      super(message);
    }
  }

  /** {@code vault_secret} for one minion's compile; not thread-safe (a compile is one thread). */
  final class Reads implements TemplateFunction {
    private final MinionId minion;
    private Acl acl;
    private boolean sealed;
    private boolean handedOut;
    private String lastFailure;

    private Reads(MinionId minion) {
      this.minion = minion;
    }

    /** Whether the vault was found sealed during the compile. */
    boolean foundSealed() {
      return sealed;
    }

    /**
     * Whether a secret was handed to the render since the last call, and forgets it: a render
     * that fails after it read one gives no detail (the detail may quote the rendered text).
     */
    boolean takeHandedOut() {
      boolean was = handedOut;
      handedOut = false;
      return was;
    }

    /** The line of this function's last failure, or null; forgotten when taken. */
    String takeLastFailure() {
      String was = lastFailure;
      lastFailure = null;
      return was;
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) throws SecretException {
      try {
        return read(args, kwargs);
      } catch (SecretException e) {
        lastFailure = e.getMessage();
        throw e;
      }
    }

    private Object read(List<Object> args, Map<String, Object> kwargs) throws SecretException {
      Arguments a = Arguments.of(args, kwargs);
      String aclPath = DATA + a.path;
      if (!cluster.active()) {
        refusals.refused(
            "minion " + minion + " asked for " + RefusalLog.shown(aclPath)
                + ": this master is a standby");
        throw new SecretException(
            "vault_secret: this master is a standby of its cluster and reads no secret (only the"
                + " active master can audit the read)");
      }
      AclDecision decision;
      try {
        decision = acl().check(aclPath, Capability.READ, false, Map.of());
      } catch (SealedException e) {
        sealed = true;
        throw new SecretException("vault_secret: the master's vault is sealed");
      } catch (VaultException e) {
        throw new SecretException("vault_secret: cannot read the policies: " + e.getMessage());
      }
      if (!decision.allowed()) {
        recordRefusal(aclPath, a, decision.reason());
        refusals.refused(
            "minion " + minion + " may not read " + RefusalLog.shown(aclPath) + " ("
                + acl.policyNames() + "): " + decision.reason());
        throw new SecretException(
            "vault_secret: minion " + minion + " may not read " + aclPath);
      }
      KvVersion found;
      try {
        found = vault.kv().read(a.path, a.version).orElse(null);
      } catch (InvalidRequestException e) {
        throw new SecretException("vault_secret: " + e.getMessage());
      } catch (SealedException e) {
        sealed = true;
        throw new SecretException("vault_secret: the master's vault is sealed");
      } catch (VaultException e) {
        throw new SecretException("vault_secret: cannot read " + aclPath + ": " + e.getMessage());
      }
      try {
        audit.event(
            AuditEvent.pillarSecret(
                minion.value(), aclPath, a.version, a.key, found == null ? 0 : found.version(),
                null));
      } catch (AuditFailedException e) {
        log.warn(
            "pillar of minion {}: the read of {} was refused: {}",
            minion,
            RefusalLog.shown(aclPath),
            e.getMessage());
        throw new SecretException(
            "vault_secret: the read of " + aclPath + " could not be recorded in the audit log,"
                + " so it is refused");
      }
      if (found == null) {
        throw new SecretException(
            a.version == 0
                ? "vault_secret: no secret at " + aclPath
                : "vault_secret: " + aclPath + " has no version " + a.version
                    + " (or it is deleted)");
      }
      if (a.key == null) {
        handedOut = true;
        return copy(found.data());
      }
      if (!found.data().containsKey(a.key)) {
        throw new SecretException(
            "vault_secret: " + aclPath + " has no key '" + RefusalLog.shown(a.key) + "'");
      }
      handedOut = true;
      return copy(found.data().get(a.key));
    }

    private Acl acl() throws VaultException {
      if (acl == null) {
        acl = vault.policies().acl(policies.policiesFor(minion));
      }
      return acl;
    }

    /** The refusal's audit entry; one that cannot be recorded is refused all the same. */
    private void recordRefusal(String aclPath, Arguments a, String reason) {
      try {
        audit.event(AuditEvent.pillarSecret(minion.value(), aclPath, a.version, a.key, 0, reason));
      } catch (AuditFailedException e) {
        log.warn(
            "pillar of minion {}: the refused read of {} could not be recorded: {}",
            minion,
            RefusalLog.shown(aclPath),
            e.getMessage());
      }
    }
  }

  /** The call's arguments, checked: {@code (path, key=None, version=0)}. */
  private record Arguments(String path, String key, int version) {
    static Arguments of(List<Object> args, Map<String, Object> kwargs) throws SecretException {
      List<Object> positional = new ArrayList<>(args);
      Map<String, Object> named = new LinkedHashMap<>(kwargs);
      for (String name : named.keySet()) {
        if (!List.of("path", "key", "version").contains(name)) {
          throw new SecretException(
              "vault_secret: unknown argument '" + RefusalLog.shown(name)
                  + "' (it takes path, key and version=)");
        }
      }
      if (positional.size() > 3) {
        throw new SecretException(
            "vault_secret: too many arguments (it takes path, key and version=)");
      }
      Object path = argument(positional, 0, named, "path");
      Object key = argument(positional, 1, named, "key");
      Object version = argument(positional, 2, named, "version");
      if (!(path instanceof String p) || p.isBlank()) {
        throw new SecretException("vault_secret: the secret's path must be a string");
      }
      if (key != null && !(key instanceof String)) {
        throw new SecretException("vault_secret: the key must be a string");
      }
      int v = 0;
      if (version != null) {
        if (!(version instanceof Number n)
            || n.doubleValue() != Math.rint(n.doubleValue())
            || n.longValue() < 0
            || n.longValue() > Integer.MAX_VALUE) {
          throw new SecretException("vault_secret: version must be a whole number >= 0");
        }
        v = n.intValue();
      }
      String trimmed = p;
      while (trimmed.startsWith("/")) {
        trimmed = trimmed.substring(1);
      }
      return new Arguments(trimmed, (String) key, v);
    }

    private static Object argument(
        List<Object> positional, int index, Map<String, Object> named, String name)
        throws SecretException {
      boolean given = index < positional.size();
      if (given && named.containsKey(name)) {
        throw new SecretException("vault_secret: " + name + " given twice");
      }
      return given ? positional.get(index) : named.get(name);
    }
  }

  /** A deep copy: what the render gets is its own, not the engine's decoded map. */
  private static Object copy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(copy(v)));
      return out;
    }
    return value;
  }
}
