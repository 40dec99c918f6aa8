package io.brine.vault.barrier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.vault.IntegrityException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import javax.security.auth.Destroyable;

/**
 * The barrier's data keys, one per term, as OpenBao's keyring. The highest term is the active one:
 * new entries are encrypted under it, and older terms stay for reading what they encrypted.
 * Immutable; a rotation makes a new keyring with {@link #withNewTerm()}.
 *
 * <p>At rest the keyring is encrypted under the root key ({@link #encrypt}), with associated data
 * {@value #ASSOCIATED_DATA}. The plaintext is JSON:
 *
 * <pre>
 *   {"version": 1,
 *    "terms": [{"term": 1,
 *               "key": "&lt;base64 of the 32 key bytes&gt;",
 *               "install_time": "2025-01-31T12:00:00.123456Z"},
 *              ...]}
 * </pre>
 *
 * <p>Temporary arrays holding key bytes or that JSON are wiped after use. Jackson's own working
 * buffers also see them; they are allocated per call rather than pooled, so they are left to the
 * collector instead of living on in a thread's pool (docs/security.md lists what a JVM cannot
 * wipe).
 */
public final class Keyring implements Destroyable {
  /** Associated data of the encrypted keyring: the storage path OpenBao keeps it at. */
  public static final String ASSOCIATED_DATA = "core/keyring";

  private static final byte[] AAD = ASSOCIATED_DATA.getBytes(StandardCharsets.UTF_8);
  private static final int FORMAT_VERSION = 1;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .recyclerPool(JsonRecyclerPools.nonRecyclingPool())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final NavigableMap<Integer, Term> terms;

  private Keyring(NavigableMap<Integer, Term> terms) {
    this.terms = Collections.unmodifiableNavigableMap(terms);
  }

  /** A new keyring with one fresh random key at term 1. */
  public static Keyring generate() {
    TreeMap<Integer, Term> terms = new TreeMap<>();
    terms.put(1, new Term(AesGcmKey.generate(), Instant.now()));
    return new Keyring(terms);
  }

  /**
   * A keyring with every term of this one plus a fresh key at the next term, which becomes active.
   *
   * <p>The two keyrings share the key objects of the old terms. Destroy only the one that ends up
   * installed (or, if the rotation is abandoned, only the new key of the unused one): destroying
   * either keyring wipes the old terms' keys for both.
   */
  public Keyring withNewTerm() {
    int active = activeTerm();
    if (active == Integer.MAX_VALUE) {
      throw new IllegalStateException("the keyring has reached the last term");
    }
    TreeMap<Integer, Term> next = new TreeMap<>(terms);
    next.put(active + 1, new Term(AesGcmKey.generate(), Instant.now()));
    return new Keyring(next);
  }

  /** The highest term: the one new entries are encrypted under. */
  public int activeTerm() {
    return terms.lastKey();
  }

  /** The key of the active term. */
  public AesGcmKey activeKey() {
    return terms.lastEntry().getValue().key();
  }

  /** The key of {@code term}, or empty if this keyring has no such term. */
  public Optional<AesGcmKey> key(int term) {
    Term t = terms.get(term);
    return t == null ? Optional.empty() : Optional.of(t.key());
  }

  /** When {@code term}'s key was made. */
  public Instant installTime(int term) {
    Term t = terms.get(term);
    if (t == null) {
      throw new IllegalArgumentException("the keyring has no term " + term);
    }
    return t.installTime();
  }

  /** Every term, in ascending order. */
  public SortedSet<Integer> terms() {
    return terms.navigableKeySet();
  }

  /**
   * The keyring encrypted under {@code rootKey} with AES-256-GCM and a random nonce: {@code nonce
   * (12) || ciphertext || tag (16)}.
   */
  public byte[] encrypt(AesGcmKey rootKey) {
    // Sized so the buffer never grows: growing would leave a copy of the keys behind, unwiped.
    WipeableBuffer json = new WipeableBuffer(128 + 192 * terms.size());
    byte[] plaintext = null;
    try {
      writeJson(json);
      plaintext = json.copy();
      return RandomNonceAesGcm.create(rootKey).encrypt(plaintext, AAD);
    } catch (GeneralSecurityException e) {
      // A fresh 32-byte key with a fresh message count cannot be refused; this is a broken JDK.
      throw new IllegalStateException("AES-GCM failed to encrypt the keyring", e);
    } finally {
      json.wipe();
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  /**
   * Opens a keyring made by {@link #encrypt}.
   *
   * @throws DecryptionFailedException the root key is not the one it was encrypted under, or the
   *     ciphertext was changed
   * @throws IntegrityException it decrypted, but is not a keyring this version can read
   */
  public static Keyring decrypt(byte[] ciphertext, AesGcmKey rootKey)
      throws DecryptionFailedException, IntegrityException {
    byte[] json;
    try {
      json = RandomNonceAesGcm.create(rootKey).decrypt(ciphertext, AAD);
    } catch (DecryptionFailedException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new DecryptionFailedException(e);
    }
    try {
      return new Keyring(readJson(json));
    } finally {
      Arrays.fill(json, (byte) 0);
    }
  }

  /** Destroys every term's key, including those shared with keyrings this one came from. */
  @Override
  public void destroy() {
    for (Term t : terms.values()) {
      t.key().destroy();
    }
  }

  @Override
  public boolean isDestroyed() {
    return terms.values().stream().allMatch(t -> t.key().isDestroyed());
  }

  @Override
  public String toString() {
    return "Keyring[terms "
        + terms.firstKey()
        + ".."
        + terms.lastKey()
        + ", active "
        + activeTerm()
        + (isDestroyed() ? ", destroyed" : "")
        + "]";
  }

  private void writeJson(WipeableBuffer out) {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("version", FORMAT_VERSION);
      g.writeArrayFieldStart("terms");
      for (Map.Entry<Integer, Term> e : terms.entrySet()) {
        byte[] raw = e.getValue().key().secret().copyOut(SecretAccess.INSECURE);
        try {
          g.writeStartObject();
          g.writeNumberField("term", e.getKey());
          g.writeBinaryField("key", raw);
          g.writeStringField("install_time", e.getValue().installTime().toString());
          g.writeEndObject();
        } finally {
          Arrays.fill(raw, (byte) 0);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e); // cannot happen
    }
  }

  /** Parses the keyring JSON strictly; on any fault, destroys the keys read so far. */
  private static NavigableMap<Integer, Term> readJson(byte[] json) throws IntegrityException {
    TreeMap<Integer, Term> terms = new TreeMap<>();
    boolean done = false;
    try (JsonParser p = JSON.createParser(json)) {
      require(p.nextToken() == JsonToken.START_OBJECT, "it is not a JSON object");
      Integer version = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("version")) {
          require(value == JsonToken.VALUE_NUMBER_INT, "version is not a number");
          version = p.getIntValue();
        } else if (field.equals("terms")) {
          require(value == JsonToken.START_ARRAY, "terms is not a list");
          while (p.nextToken() != JsonToken.END_ARRAY) {
            readTerm(p, terms);
          }
        } else {
          throw malformed("it has an unknown field");
        }
      }
      require(p.currentToken() == JsonToken.END_OBJECT, "it is not a JSON object");
      require(p.nextToken() == null, "there is data after the keyring");
      require(version != null && version == FORMAT_VERSION, "its format version is not 1");
      require(!terms.isEmpty(), "it has no terms");
      done = true;
      return terms;
    } catch (IOException e) {
      // Jackson's messages span lines and quote the input, which here is key material.
      throw malformed("it is not valid JSON");
    } finally {
      if (!done) {
        terms.values().forEach(t -> t.key().destroy());
      }
    }
  }

  private static void readTerm(JsonParser p, Map<Integer, Term> terms)
      throws IOException, IntegrityException {
    require(p.currentToken() == JsonToken.START_OBJECT, "a term is not a JSON object");
    Integer term = null;
    Instant installTime = null;
    byte[] key = null;
    try {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("term")) {
          require(value == JsonToken.VALUE_NUMBER_INT, "a term number is not a number");
          term = p.getIntValue();
        } else if (field.equals("key")) {
          require(value == JsonToken.VALUE_STRING, "a key is not a string");
          key = p.getBinaryValue();
        } else if (field.equals("install_time")) {
          require(value == JsonToken.VALUE_STRING, "an install time is not a string");
          installTime = Instant.parse(p.getText());
        } else {
          throw malformed("a term has an unknown field");
        }
      }
      require(term != null && key != null && installTime != null, "a term lacks a field");
      require(term >= 1, "a term number is below 1");
      require(!terms.containsKey(term), "term " + term + " appears twice");
      require(key.length == AesGcmKey.KEY_SIZE_IN_BYTES, "term " + term + "'s key is not 32 bytes");
      terms.put(term, new Term(AesGcmKey.fromSecret(SecretBytes.wrap(key)), installTime));
      key = null; // the key object owns the array now
    } catch (DateTimeParseException e) {
      throw malformed("an install time is not an ISO-8601 instant");
    } finally {
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  private static void require(boolean condition, String problem) throws IntegrityException {
    if (!condition) {
      throw malformed(problem);
    }
  }

  private static IntegrityException malformed(String problem) {
    return new IntegrityException("the keyring decrypted but is malformed: " + problem);
  }

  private record Term(AesGcmKey key, Instant installTime) {}

  /** A byte stream whose buffer can be wiped; {@link ByteArrayOutputStream#reset} only rewinds. */
  private static final class WipeableBuffer extends ByteArrayOutputStream {
    WipeableBuffer(int size) {
      super(size);
    }

    byte[] copy() {
      return Arrays.copyOf(buf, count);
    }

    void wipe() {
      Arrays.fill(buf, (byte) 0);
      count = 0;
    }
  }
}
