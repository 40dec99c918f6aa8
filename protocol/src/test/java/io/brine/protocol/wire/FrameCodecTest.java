package io.brine.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Transcripts of the framing layer and the auth gate on an {@link EmbeddedChannel}. */
class FrameCodecTest {
  private static final int MAX = 64;

  private EmbeddedChannel ch;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void setUp() {
    ch = new EmbeddedChannel();
    WirePipeline.install(
        ch.pipeline(), MAX, AuthGate.MASTER_SIDE, new ChannelInboundHandlerAdapter());
    // The test reads what the session handler would receive.
    ch.pipeline().remove(WirePipeline.SESSION);
    log.start();
    ((Logger) LoggerFactory.getLogger(Disconnector.class)).addAppender(log);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(Disconnector.class)).detachAppender(log);
  }

  private static ByteBuf frame(int length, int version, int type, byte[] body) {
    ByteBuf b = Unpooled.buffer();
    b.writeInt(length).writeByte(version).writeByte(type).writeBytes(body);
    return b;
  }

  private static void assertNoMoreInbound(EmbeddedChannel c) {
    Object next = c.readInbound();
    assertThat(next).isNull();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private void assertClosedWithOneWarning(String reasonPart) {
    assertThat(ch.isOpen()).isFalse();
    assertNoMoreInbound(ch);
    assertThat(log.list).hasSize(1);
    assertThat(log.list.get(0).getLevel()).isEqualTo(Level.WARN);
    assertThat(log.list.get(0).getFormattedMessage()).contains(reasonPart);
  }

  @Test
  void decode_goodHello_isOneFrame() {
    assertThat(ch.writeInbound(frame(2 + 5, Wire.VERSION, 0x01, bytes("hello")))).isTrue();
    Frame f = ch.readInbound();
    assertThat(f).isEqualTo(new Frame(MessageType.HELLO, bytes("hello")));
    assertNoMoreInbound(ch);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void decode_frameSplitAcrossReads_isReassembled() {
    ByteBuf whole = frame(2 + 5, Wire.VERSION, 0x01, bytes("hello"));
    assertThat(ch.writeInbound(whole.readRetainedSlice(3))).isFalse();
    assertThat(ch.writeInbound(whole.readRetainedSlice(4))).isFalse();
    assertThat(ch.writeInbound(whole.readRetainedSlice(whole.readableBytes()))).isTrue();
    whole.release();
    assertThat((Frame) ch.readInbound()).isEqualTo(new Frame(MessageType.HELLO, bytes("hello")));
    assertNoMoreInbound(ch);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void decode_twoFramesInOneRead_areTwoFrames() {
    ByteBuf b = frame(2 + 1, Wire.VERSION, 0x01, bytes("a"));
    b.writeBytes(frame(2, Wire.VERSION, 0x01, new byte[0]));
    assertThat(ch.writeInbound(b)).isTrue();
    assertThat((Frame) ch.readInbound()).isEqualTo(new Frame(MessageType.HELLO, bytes("a")));
    assertThat((Frame) ch.readInbound()).isEqualTo(new Frame(MessageType.HELLO, new byte[0]));
    assertNoMoreInbound(ch);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void decode_oversizePrefix_closesBeforeTheBodyArrives() {
    ByteBuf b = Unpooled.buffer().writeInt(MAX + 1).writeByte(1).writeByte(1);
    ch.writeInbound(b);
    assertClosedWithOneWarning("frame too long");
  }

  @Test
  void decode_frameAtTheLimit_isAccepted() {
    assertThat(ch.writeInbound(frame(MAX, Wire.VERSION, 0x01, new byte[MAX - 2]))).isTrue();
    assertThat(((Frame) ch.readInbound()).body()).hasSize(MAX - 2);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void decode_negativeLength_closes() {
    ch.writeInbound(Unpooled.buffer().writeInt(-1).writeByte(1).writeByte(1));
    assertThat(ch.isOpen()).isFalse();
    assertThat(log.list).hasSize(1);
  }

  @Test
  void decode_otherVersion_closes() {
    ch.writeInbound(frame(2 + 1, 4, 0x01, bytes("x")));
    assertClosedWithOneWarning("protocol version 4 is not supported; this end speaks only 3");
  }

  @Test
  void decode_versionOne_theHandshakeWithThreeRsaWraps_closes() {
    ch.writeInbound(frame(2 + 1, 1, 0x01, bytes("x")));
    assertClosedWithOneWarning("protocol version 1 is not supported; this end speaks only 3");
  }

  @Test
  void decode_versionTwo_theHandshakeWithoutConfirm_closes() {
    ch.writeInbound(frame(2 + 1, 2, 0x01, bytes("x")));
    assertClosedWithOneWarning("protocol version 2 is not supported; this end speaks only 3");
  }

  @Test
  void decode_versionZero_closes() {
    ch.writeInbound(frame(2 + 1, 0, 0x01, bytes("x")));
    assertClosedWithOneWarning("protocol version 0 is not supported");
  }

  @Test
  void decode_zeroLength_closes() {
    ch.writeInbound(Unpooled.buffer().writeInt(0));
    assertClosedWithOneWarning("shorter than its 2-byte header");
  }

  @Test
  void decode_unknownType_closes() {
    ch.writeInbound(frame(2, Wire.VERSION, 0x7f, new byte[0]));
    assertClosedWithOneWarning("unknown message type 0x7f");
  }

  @Test
  void gate_nonHelloBeforeAuthentication_closes() {
    ch.writeInbound(frame(2 + 3, Wire.VERSION, MessageType.REQUEST.code(), bytes("job")));
    assertClosedWithOneWarning("REQUEST from an unauthenticated minion");
  }

  @Test
  void gate_afterOpen_letsSessionTrafficThroughAndIsGone() {
    int handlers = ch.pipeline().names().size();
    AuthGate.open(ch.pipeline());
    assertThat(ch.pipeline().names()).hasSize(handlers - 1).doesNotContain(WirePipeline.AUTH_GATE);
    assertThat(
            ch.writeInbound(frame(2 + 3, Wire.VERSION, MessageType.REQUEST.code(), bytes("job"))))
        .isTrue();
    assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.REQUEST);
    AuthGate.open(ch.pipeline()); // idempotent
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void encode_writesPrefixVersionTypeBody() {
    assertThat(ch.writeOutbound(new Frame(MessageType.WELCOME, bytes("ok")))).isTrue();
    ByteBuf out = ch.readOutbound();
    assertThat(out.readInt()).isEqualTo(4);
    assertThat(out.readByte()).isEqualTo((byte) 3); // docs/protocol.md §1
    assertThat(out.readByte()).isEqualTo(MessageType.WELCOME.code());
    assertThat(out.readCharSequence(2, StandardCharsets.US_ASCII).toString()).isEqualTo("ok");
    assertThat(out.isReadable()).isFalse();
    out.release();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void encode_thenDecode_roundTrips() {
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(MAX));
    out.writeOutbound(new Frame(MessageType.HELLO, bytes("{}")));
    ch.writeInbound((ByteBuf) out.readOutbound());
    assertThat((Frame) ch.readInbound()).isEqualTo(new Frame(MessageType.HELLO, bytes("{}")));
    assertThat(out.finish()).isFalse();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void encode_oversizeFrame_failsTheWriteNotTheConnection() {
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(MAX));
    var future = out.writeOneOutbound(new Frame(MessageType.REPLY, new byte[MAX]));
    out.flushOutbound();
    assertThat(future.isSuccess()).isFalse();
    assertThat(future.cause()).hasMessageContaining("exceeds the limit of " + MAX);
    Object written = out.readOutbound();
    assertThat(written).isNull();
    out.finish();
  }

  @Test
  void disconnect_calledTwice_logsOnce() {
    Disconnector.disconnect(ch, "first", null);
    Disconnector.disconnect(ch, "second", new IllegalStateException("x"));
    assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).singleElement()
        .asString().contains("first");
  }

  /** A pipeline as the listener builds it: 1 MiB frames once authenticated, 64 KiB before. */
  private EmbeddedChannel preAuthChannel(Duration partialFrameTimeout) {
    EmbeddedChannel c = new EmbeddedChannel();
    WirePipeline.install(
        c.pipeline(),
        Wire.DEFAULT_MAX_FRAME_BYTES,
        partialFrameTimeout,
        AuthGate.MASTER_SIDE,
        new ChannelInboundHandlerAdapter());
    c.pipeline().remove(WirePipeline.SESSION);
    return c;
  }

  @Test
  void decode_beforeAuthentication_aFrameOverTheHandshakeLimit_closesAtItsPrefix() {
    ch = preAuthChannel(Duration.ofSeconds(10));
    // What a PENDING stranger sent to hold a megabyte: only the prefix of a 1 MiB frame.
    ch.writeInbound(Unpooled.buffer().writeInt(Wire.DEFAULT_MAX_FRAME_BYTES).writeByte(3));
    assertClosedWithOneWarning("frame too long");
  }

  @Test
  void decode_beforeAuthentication_aHelloAtTheHandshakeLimit_isAccepted() {
    ch = preAuthChannel(Duration.ofSeconds(10));
    int max = Wire.MAX_HANDSHAKE_FRAME_BYTES;
    assertThat(ch.writeInbound(frame(max, Wire.VERSION, 0x01, new byte[max - 2]))).isTrue();
    assertThat(((Frame) ch.readInbound()).body()).hasSize(max - 2);
  }

  @Test
  void decode_afterAuthentication_aFrameOverTheHandshakeLimit_isAccepted() {
    ch = preAuthChannel(Duration.ofSeconds(10));
    AuthGate.open(ch.pipeline());
    int size = 512 * 1024;
    assertThat(ch.writeInbound(frame(size, Wire.VERSION, 0x10, new byte[size - 2]))).isTrue();
    assertThat(((Frame) ch.readInbound()).body()).hasSize(size - 2);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void decode_beforeAuthentication_aPartialFrame_closesAtItsDeadline() {
    ch = preAuthChannel(Duration.ofSeconds(5));
    ByteBuf whole = frame(2 + 5, Wire.VERSION, 0x01, bytes("hello"));
    ch.writeInbound(whole.readRetainedSlice(3));
    ch.advanceTimeBy(4, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.writeInbound(whole.readRetainedSlice(2)); // more bytes do not buy more time
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    whole.release();
    assertClosedWithOneWarning("did not arrive whole within 5 s");
  }

  @Test
  void decode_beforeAuthentication_framesThatComplete_keepTheConnection() {
    ch = preAuthChannel(Duration.ofSeconds(5));
    for (int i = 0; i < 3; i++) {
      ByteBuf whole = frame(2 + 5, Wire.VERSION, 0x01, bytes("hello"));
      ch.writeInbound(whole.readRetainedSlice(3));
      ch.advanceTimeBy(4, TimeUnit.SECONDS);
      ch.runScheduledPendingTasks();
      ch.writeInbound(whole.readRetainedSlice(whole.readableBytes()));
      whole.release();
      assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.HELLO);
    }
    ch.advanceTimeBy(60, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    assertThat(log.list).isEmpty();
  }

  @Test
  void decode_afterAuthentication_aSlowFrame_hasNoDeadline() {
    ch = preAuthChannel(Duration.ofSeconds(5));
    AuthGate.open(ch.pipeline());
    ByteBuf whole = frame(2 + 5, Wire.VERSION, 0x10, bytes("hello"));
    ch.writeInbound(whole.readRetainedSlice(3));
    ch.advanceTimeBy(60, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.writeInbound(whole.readRetainedSlice(whole.readableBytes()));
    whole.release();
    assertThat(((Frame) ch.readInbound()).type()).isEqualTo(MessageType.REQUEST);
  }

  @Test
  void disconnect_escapesControlCharactersFromThePeer() {
    // A peer-made reason with a newline and a terminal escape: one line, nothing forged.
    Disconnector.disconnect(ch.pipeline().firstContext(), "bad id \"x\n2026 INFO forged\u001b[2J\"");
    assertThat(log.list).hasSize(1);
    String line = log.list.get(0).getFormattedMessage();
    assertThat(line).doesNotContain("\n").doesNotContain("\u001b");
    assertThat(line).contains("x\\u000a2026 INFO forged\\u001b[2J");
  }
}
