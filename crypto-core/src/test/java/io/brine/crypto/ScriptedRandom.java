package io.brine.crypto;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A "random" source that returns scripted values, so a split is reproducible byte for byte. {@code
 * nextInt(bound)} returns the next scripted index (which must be below the bound) or, once the
 * script is used up, {@code bound - 1} (that is: leave this entry where it is). {@code nextBytes}
 * fills from the scripted byte stream and fails when it runs out.
 */
final class ScriptedRandom extends SecureRandom {
  private final Deque<Integer> indices = new ArrayDeque<>();
  private final Deque<Byte> bytes = new ArrayDeque<>();

  ScriptedRandom indices(int... values) {
    for (int v : values) {
      indices.add(v);
    }
    return this;
  }

  ScriptedRandom bytes(int... values) {
    for (int v : values) {
      bytes.add((byte) v);
    }
    return this;
  }

  @Override
  public int nextInt(int bound) {
    Integer v = indices.poll();
    if (v == null) {
      return bound - 1;
    }
    if (v >= bound) {
      throw new IllegalStateException("scripted index " + v + " is not below " + bound);
    }
    return v;
  }

  @Override
  public void nextBytes(byte[] out) {
    for (int i = 0; i < out.length; i++) {
      Byte b = bytes.poll();
      if (b == null) {
        throw new IllegalStateException("scripted bytes used up");
      }
      out[i] = b;
    }
  }
}
