package io.brine.protocol.wire;

import java.util.Objects;

/**
 * One decoded frame: its type and its body. The version byte is not kept: there is one version,
 * and {@link FrameDecoder} refuses any other. The body array is the frame's own (not copied); a
 * frame is handed from one handler to the next and not shared.
 */
public record Frame(MessageType type, byte[] body) {
  public Frame {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(body, "body");
  }

  @Override
  public String toString() {
    return "Frame[" + type + ", " + body.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.type == type && java.util.Arrays.equals(f.body, body);
  }

  @Override
  public int hashCode() {
    return 31 * type.hashCode() + java.util.Arrays.hashCode(body);
  }
}
