package io.brine.vault;

import java.util.List;

/** The answer to one share of a rotation: the status, and the new shares once complete. */
public record RotationUpdate(
    boolean complete, String nonce, List<String> keys, List<String> keysBase64, RotationStatus status) {}
