package io.brine.vault.token;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.PermissionDeniedException;
import io.brine.vault.SealedException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenBao's token store over the barrier. At rest (all behind the barrier):
 *
 * <ul>
 *   <li>{@code sys/token/salt}: 32 random bytes, made on first use;
 *   <li>{@code sys/token/id/<id>}: the entry, where id = "h" + hex(HMAC-SHA256(salt, token));
 *   <li>{@code sys/token/accessor/<hmac of accessor>}: the entry's id;
 *   <li>{@code sys/token/parent/<parent id>/<child id>}: the parent index, empty values.
 * </ul>
 *
 * The token is never stored and the accessor only encrypted under the salt's key, so neither the
 * files nor the decrypted values hand out a usable handle. Writes go index first, entry last (the
 * entry is the commit point), and a tree is revoked children first, so a crash never leaves a live
 * token whose parent is gone.
 *
 * <p>Thread-safe: one lock for everything (lookups may revoke an expired token or migrate a legacy
 * one). Made at unseal and {@link #forget forgotten} at seal, after which every call throws {@link
 * SealedException}.
 */
public final class TokenStore {
  private static final Logger log = LoggerFactory.getLogger(TokenStore.class);

  static final String ID_PREFIX = "sys/token/id/";
  static final String ACCESSOR_PREFIX = "sys/token/accessor/";
  static final String PARENT_PREFIX = "sys/token/parent/";

  /** Length of the tokens this store makes ("s." + 32 base62), for generate-root's pad. */
  public static final int TOKEN_LENGTH = TokenStrings.LENGTH;

  private final Storage barrier;
  private final SecureRandom random;
  private final Clock clock;
  private TokenSalt salt;
  private boolean forgotten;

  public TokenStore(Storage barrier, SecureRandom random, Clock clock) {
    this.barrier = Objects.requireNonNull(barrier, "barrier");
    this.random = Objects.requireNonNull(random, "random");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------- create

  /** A root token (init, generate-root): policies [root], no TTL, orphan, not renewable. */
  public synchronized CreatedToken createRoot(String path) throws VaultException {
    TokenSalt s = salt();
    String token = freshToken(s);
    return new CreatedToken(token, storeRoot(s.saltId(token), path, clock.instant()));
  }

  /**
   * A child of {@code parent} (an orphan when the request says so; whether the caller may ask is
   * the API's decision).
   *
   * @throws PermissionDeniedException when the parent is no longer live, or asks for a policy it
   *     does not hold (the message names it)
   * @throws InvalidRequestException for negative values, bad names, a parent with limited uses
   */
  public synchronized CreatedToken create(TokenEntry parent, TokenRequest request)
      throws VaultException {
    Duration ttl = nonNegative(request.ttl(), "ttl");
    Duration explicitMax = nonNegative(request.explicitMaxTtl(), "explicit_max_ttl");
    Duration period = nonNegative(request.period(), "period");
    if (request.numUses() < 0) {
      throw new InvalidRequestException("num_uses cannot be negative");
    }
    TokenSalt s = salt();
    Instant now = clock.instant();
    TokenEntry p =
        live(parent.idHash(), s, now)
            .map(StoredEntry.Decoded::entry)
            .orElseThrow(PermissionDeniedException::new);
    if (p.numUses() != 0) {
      // Otherwise a limited token could escape its count through its children.
      throw new InvalidRequestException("restricted use token cannot generate child tokens");
    }
    List<String> policies = ChildTokens.policies(p, request);
    String displayName = ChildTokens.displayName(request.displayName());
    Map<String, String> meta = ChildTokens.meta(request.meta());
    boolean orphan = request.noParent();
    Duration life =
        TokenLifetimes.forNew(
            now, ttl, explicitMax, period, policies.contains("root"),
            orphan ? null : p.expireTime());
    boolean renewable = request.renewable() == null || request.renewable();
    if (life.isZero()) {
      if (p.expireTime() != null) {
        throw new InvalidRequestException(
            "expiring root tokens cannot create non-expiring root tokens");
      }
      // A token that never expires cannot be renewed; OpenBao does not advertise it as such.
      renewable = false;
    }
    String token = freshToken(s);
    TokenEntry entry =
        new TokenEntry(
            TokenStrings.newAccessor(random),
            orphan ? null : p.accessor(),
            policies,
            displayName,
            meta,
            now,
            life,
            life.isZero() ? null : now.plus(life),
            explicitMax,
            period,
            request.numUses(),
            orphan,
            renewable,
            request.path() == null || request.path().isEmpty() ? "auth/token/create" : request.path(),
            s.saltId(token));
    writeIndexesAndEntry(entry, orphan ? null : p.idHash(), s);
    return new CreatedToken(token, entry);
  }

  // ---------------------------------------------------------------- lookup and use

  /**
   * The live entry of {@code token}, spending no use. Empty for a malformed string (storage is not
   * read), an unknown token, or an expired one (which is revoked now, with its children). Finds a
   * token whose last use is being spent ({@link TokenEntry#LAST_USE_SPENT}). A legacy root token
   * ("brn.") is moved into this store on its first lookup.
   */
  public synchronized Optional<TokenEntry> lookup(String token) throws VaultException {
    boolean legacy = TokenStrings.isLegacyRootToken(token);
    if (!legacy && !TokenStrings.isToken(token)) {
      return Optional.empty();
    }
    TokenSalt s = salt();
    String id = s.saltId(token);
    Optional<TokenEntry> found = live(id, s, clock.instant()).map(StoredEntry.Decoded::entry);
    if (found.isEmpty() && legacy) {
      return LegacyRootTokens.migrate(barrier, token, this, id);
    }
    return found;
  }

  /**
   * Spends one use of {@code token} (none for an unlimited one).
   *
   * @return the entry after the use; {@link TokenEntry#numUses} is {@link
   *     TokenEntry#LAST_USE_SPENT} when this was the last, to be revoked at {@link #finishUse}
   * @throws PermissionDeniedException for an unknown, expired or used-up token
   */
  public synchronized TokenEntry use(String token) throws VaultException {
    TokenEntry entry = lookup(token).orElseThrow(PermissionDeniedException::new);
    if (entry.numUses() == TokenEntry.LAST_USE_SPENT) {
      throw new PermissionDeniedException();
    }
    if (entry.numUses() == 0) {
      return entry;
    }
    int left = entry.numUses() - 1;
    TokenEntry spent = entry.withNumUses(left == 0 ? TokenEntry.LAST_USE_SPENT : left);
    TokenSalt s = salt();
    String parentId = read(entry.idHash(), s).map(StoredEntry.Decoded::parentId).orElse(null);
    writeEntry(spent, parentId, s);
    return spent;
  }

  /** The end of a request: a token whose last use it spent is revoked now. */
  public synchronized void finishUse(TokenEntry used) throws VaultException {
    if (used.numUses() != TokenEntry.LAST_USE_SPENT) {
      return;
    }
    TokenSalt s = salt();
    Optional<StoredEntry.Decoded> now = read(used.idHash(), s);
    if (now.isPresent() && now.get().entry().numUses() == TokenEntry.LAST_USE_SPENT) {
      revokeTree(used.idHash(), s);
    }
  }

  /** The live entry whose accessor this is; empty for a malformed or unknown accessor. */
  public synchronized Optional<TokenEntry> lookupAccessor(String accessor) throws VaultException {
    if (!TokenStrings.isAccessor(accessor)) {
      return Optional.empty();
    }
    TokenSalt s = salt();
    Optional<byte[]> id = barrier.get(ACCESSOR_PREFIX + s.saltId(accessor));
    if (id.isEmpty()) {
      return Optional.empty();
    }
    String idHash = new String(id.get(), StandardCharsets.US_ASCII);
    if (!isIdHash(idHash)) {
      return Optional.empty();
    }
    return live(idHash, s, clock.instant()).map(StoredEntry.Decoded::entry);
  }

  /** Every stored token's accessor, sorted (OpenBao's {@code LIST auth/token/accessors}). */
  public synchronized List<String> accessors() throws VaultException {
    TokenSalt s = salt();
    List<String> out = new ArrayList<>();
    for (String name : barrier.list(ACCESSOR_PREFIX)) {
      if (name.endsWith("/")) {
        continue;
      }
      Optional<byte[]> id = barrier.get(ACCESSOR_PREFIX + name);
      if (id.isEmpty()) {
        continue;
      }
      String idHash = new String(id.get(), StandardCharsets.US_ASCII);
      if (isIdHash(idHash)) {
        read(idHash, s).ifPresent(d -> out.add(d.entry().accessor()));
      }
    }
    out.sort(null);
    return out;
  }

  // ---------------------------------------------------------------- renew and revoke

  /**
   * Renews as OpenBao does: a periodic token gets its period again; another gets {@code
   * increment} (zero: its creation TTL); either is capped by the explicit max (counted from
   * creation), the system max, and a non-orphan's parent.
   *
   * @throws InvalidRequestException "lease is not renewable" for a token that is not renewable or
   *     never expires
   * @throws PermissionDeniedException when the token is no longer live
   */
  public synchronized TokenEntry renew(TokenEntry entry, Duration increment) throws VaultException {
    TokenSalt s = salt();
    Instant now = clock.instant();
    StoredEntry.Decoded d =
        live(entry.idHash(), s, now).orElseThrow(PermissionDeniedException::new);
    TokenEntry e = d.entry();
    if (!e.renewable() || e.expireTime() == null) {
      throw new InvalidRequestException("lease is not renewable");
    }
    Duration ttl =
        TokenLifetimes.forRenewal(e, now, increment == null ? Duration.ZERO : increment);
    Instant expires = now.plus(ttl);
    if (d.parentId() != null) {
      Optional<StoredEntry.Decoded> parent = read(d.parentId(), s);
      if (parent.isPresent() && parent.get().entry().expireTime() != null
          && parent.get().entry().expireTime().isBefore(expires)) {
        expires = parent.get().entry().expireTime();
      }
    }
    if (!expires.isAfter(now)) {
      return e;
    }
    TokenEntry renewed = e.withExpireTime(expires);
    writeEntry(renewed, d.parentId(), s);
    return renewed;
  }

  /** Revokes the token and every descendant (children first). Revoking a gone token is no error. */
  public synchronized void revoke(TokenEntry entry) throws VaultException {
    revokeTree(entry.idHash(), salt());
  }

  /** Revokes the token alone; its children become orphans. */
  public synchronized void revokeOrphan(TokenEntry entry) throws VaultException {
    TokenSalt s = salt();
    String id = entry.idHash();
    for (String child : children(id)) {
      Optional<StoredEntry.Decoded> c = read(child, s);
      if (c.isPresent()) {
        writeEntry(c.get().entry().asOrphan(), null, s);
      }
      barrier.delete(PARENT_PREFIX + id + "/" + child);
    }
    deleteOne(id, s);
  }

  /** The storage key of {@code token} ("h" + HMAC): for the store's own indexes, not for logs. */
  public synchronized String tokenHmac(String token) throws VaultException {
    return salt().saltId(token);
  }

  /** Wipes the salt; every later call throws {@link SealedException}. Called at seal. */
  public synchronized void forget() {
    forgotten = true;
    if (salt != null) {
      salt.destroy();
      salt = null;
    }
  }

  // ---------------------------------------------------------------- internals

  private TokenSalt salt() throws VaultException {
    if (forgotten) {
      throw new SealedException();
    }
    if (salt == null) {
      salt = TokenSalt.loadOrCreate(barrier, random);
    }
    return salt;
  }

  Instant now() {
    return clock.instant();
  }

  /** Stores a root entry for {@code idHash} with a new accessor (also the legacy migration's). */
  synchronized TokenEntry storeRoot(String idHash, String path, Instant created)
      throws VaultException {
    TokenSalt s = salt();
    TokenEntry e =
        new TokenEntry(
            TokenStrings.newAccessor(random), null, List.of("root"), "root", Map.of(), created,
            Duration.ZERO, null, Duration.ZERO, Duration.ZERO, 0, true, false, path, idHash);
    writeIndexesAndEntry(e, null, s);
    return e;
  }

  private void writeIndexesAndEntry(TokenEntry e, String parentId, TokenSalt s)
      throws VaultException {
    if (parentId != null) {
      barrier.put(PARENT_PREFIX + parentId + "/" + e.idHash(), new byte[0]);
    }
    barrier.put(
        ACCESSOR_PREFIX + s.saltId(e.accessor()), e.idHash().getBytes(StandardCharsets.US_ASCII));
    writeEntry(e, parentId, s);
  }

  private void writeEntry(TokenEntry e, String parentId, TokenSalt s) throws VaultException {
    barrier.put(ID_PREFIX + e.idHash(), StoredEntry.encode(e, parentId, s));
  }

  /** A token no stored entry has yet (a collision of 190 random bits is not expected, but cheap). */
  private String freshToken(TokenSalt s) throws VaultException {
    for (int attempt = 0; attempt < 3; attempt++) {
      String token = TokenStrings.newToken(random);
      if (barrier.get(ID_PREFIX + s.saltId(token)).isEmpty()) {
        return token;
      }
    }
    throw new VaultException("the random source repeats itself: no fresh token after 3 tries");
  }

  private Optional<StoredEntry.Decoded> read(String idHash, TokenSalt s) throws VaultException {
    Optional<byte[]> bytes = barrier.get(ID_PREFIX + idHash);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(StoredEntry.decode(bytes.get(), idHash, s));
  }

  /** The entry if it is live at {@code now}; an expired one (or one whose parent is gone) is revoked. */
  private Optional<StoredEntry.Decoded> live(String idHash, TokenSalt s, Instant now)
      throws VaultException {
    Optional<StoredEntry.Decoded> d = read(idHash, s);
    if (d.isEmpty()) {
      return d;
    }
    TokenEntry e = d.get().entry();
    boolean expired = e.expireTime() != null && !now.isBefore(e.expireTime());
    boolean parentGone =
        d.get().parentId() != null && barrier.get(ID_PREFIX + d.get().parentId()).isEmpty();
    if (expired || parentGone) {
      revokeTree(idHash, s);
      return Optional.empty();
    }
    return d;
  }

  private List<String> children(String idHash) throws VaultException {
    List<String> out = new ArrayList<>();
    for (String name : barrier.list(PARENT_PREFIX + idHash + "/")) {
      if (!name.endsWith("/") && isIdHash(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * Breadth first to collect the tree, then deepest first to delete it: no recursion (a chain of
   * any depth fits the stack), and no live token is ever left whose parent is already gone.
   */
  private void revokeTree(String root, TokenSalt s) throws VaultException {
    List<String> order = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    order.add(root);
    seen.add(root);
    for (int i = 0; i < order.size(); i++) {
      for (String child : children(order.get(i))) {
        if (seen.add(child)) {
          order.add(child);
        }
      }
    }
    for (int i = order.size() - 1; i >= 0; i--) {
      deleteOne(order.get(i), s);
    }
  }

  /** The entry first (the token is dead from then on), then its index records. */
  private void deleteOne(String idHash, TokenSalt s) throws VaultException {
    Optional<StoredEntry.Decoded> d;
    try {
      d = read(idHash, s);
    } catch (VaultException e) {
      // An unreadable entry is still revoked: the point is that it stops working.
      log.warn("revoking an unreadable token entry: {}", e.getMessage());
      d = Optional.empty();
    }
    barrier.delete(ID_PREFIX + idHash);
    if (d.isPresent()) {
      barrier.delete(ACCESSOR_PREFIX + s.saltId(d.get().entry().accessor()));
      if (d.get().parentId() != null) {
        barrier.delete(PARENT_PREFIX + d.get().parentId() + "/" + idHash);
      }
    }
    for (String child : children(idHash)) {
      barrier.delete(PARENT_PREFIX + idHash + "/" + child);
    }
  }

  private static boolean isIdHash(String s) {
    if (s.length() != 65 || s.charAt(0) != 'h') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static Duration nonNegative(Duration d, String field) throws InvalidRequestException {
    if (d == null) {
      return Duration.ZERO;
    }
    if (d.isNegative()) {
      throw new InvalidRequestException(field + " cannot be negative");
    }
    return d;
  }
}
