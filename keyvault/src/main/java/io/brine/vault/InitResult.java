package io.brine.vault;

import java.util.List;

/** The one time the shares and the root token are shown. Lists are empty, never null. */
public record InitResult(
    List<String> keys,
    List<String> keysBase64,
    List<String> recoveryKeys,
    List<String> recoveryKeysBase64,
    String rootToken) {}
