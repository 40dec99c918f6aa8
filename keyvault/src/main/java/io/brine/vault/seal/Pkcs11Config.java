package io.brine.vault.seal;

/**
 * Where the HSM key is: the PKCS#11 library, the token (by slot id or, better, by label: SoftHSM
 * renumbers slots when a token is initialized), where to read the PIN (an environment variable or
 * a file, never the config file itself), and the label of the AES-256 key on the token.
 *
 * @param library path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so
 * @param slot slot id, or null to find the token by {@code tokenLabel}
 * @param tokenLabel token label, or null when {@code slot} is given
 * @param pinEnv name of the environment variable holding the user PIN, or null
 * @param pinFile path of a file holding the user PIN (trailing newline ignored), or null
 * @param keyLabel CKA_LABEL of the AES-256 key that wraps the root key
 */
public record Pkcs11Config(
    String library, Long slot, String tokenLabel, String pinEnv, String pinFile, String keyLabel) {}
