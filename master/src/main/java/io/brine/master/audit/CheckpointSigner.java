package io.brine.master.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The Ed25519 key that signs checkpoints (the JDK's EdDSA), made on first use and kept in the
 * barrier at {@code sys/audit/checkpoint-key}, so only an unsealed master can sign. The public key
 * is public ({@code GET /v1/brine/audit/checkpoint-key}): copy it off the host, and {@code brine
 * audit verify --public-key} pins it. The stored bytes are wiped after loading; the JDK's key
 * object cannot be wiped, and is dropped at seal.
 */
final class CheckpointSigner {
  static final String STORAGE_PATH = "sys/audit/checkpoint-key";

  private final PrivateKey privateKey;
  private final byte[] publicKey;
  private final String keyId;

  private CheckpointSigner(PrivateKey privateKey, byte[] publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey.clone();
    this.keyId = keyId(publicKey);
  }

  /** The key id: {@code ed25519:} and the first 16 hex digits of the SHA-256 of the SPKI bytes. */
  static String keyId(byte[] spki) {
    return "ed25519:" + AuditChain.hash(spki).substring(0, 16);
  }

  /** Loads the key from the barrier, making and storing one the first time. */
  static CheckpointSigner loadOrCreate(Storage barrier) throws VaultException {
    byte[] stored = barrier.get(STORAGE_PATH).orElse(null);
    try {
      if (stored != null) {
        JsonNode node = EntryFormat.JSON.readTree(stored);
        byte[] pkcs8 = Base64.getDecoder().decode(node.path("private_pkcs8").asText());
        byte[] spki = Base64.getDecoder().decode(node.path("public_spki").asText());
        try {
          PrivateKey key =
              KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
          return new CheckpointSigner(key, spki);
        } finally {
          Arrays.fill(pkcs8, (byte) 0);
        }
      }
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] pkcs8 = pair.getPrivate().getEncoded();
      byte[] spki = pair.getPublic().getEncoded();
      ObjectNode node = EntryFormat.JSON.createObjectNode();
      node.put("private_pkcs8", Base64.getEncoder().encodeToString(pkcs8));
      node.put("public_spki", Base64.getEncoder().encodeToString(spki));
      byte[] bytes = EntryFormat.JSON.writeValueAsBytes(node);
      try {
        barrier.put(STORAGE_PATH, bytes);
      } finally {
        Arrays.fill(bytes, (byte) 0);
        Arrays.fill(pkcs8, (byte) 0);
      }
      return new CheckpointSigner(pair.getPrivate(), spki);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new VaultException("cannot load the audit checkpoint key: " + e.getMessage(), e);
    } finally {
      if (stored != null) {
        Arrays.fill(stored, (byte) 0);
      }
    }
  }

  String keyId() {
    return keyId;
  }

  /** The public key, X.509 SubjectPublicKeyInfo DER, base64. */
  String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey);
  }

  /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}). */
  String publicKeyPem() {
    return pem(publicKey);
  }

  static String pem(byte[] spki) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(spki);
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }

  /** The Ed25519 signature of {@code text}, base64. */
  String sign(byte[] text) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(text);
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** True when {@code signatureBase64} is {@code spki}'s Ed25519 signature of {@code text}. */
  static boolean verify(byte[] spki, byte[] text, String signatureBase64) {
    try {
      PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(text);
      return s.verify(Base64.getDecoder().decode(signatureBase64));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
