package io.brine.master.listener;

import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.handshake.Session;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import io.brine.protocol.wire.Wire;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The minion's end of one connection, over a plain blocking socket: the framing written out by
 * hand (docs/protocol.md §1) and the real protocol code, {@link MinionHandshake} and {@link
 * Session}, for everything above it.
 */
final class TestMinion implements AutoCloseable {
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  final MinionId id;
  final KeyPair keys;
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  /** The last handshake's frames, for tests that look inside them. */
  Frame lastAnswer;

  Session session;

  private TestMinion(MinionId id, KeyPair keys, Socket socket) throws IOException {
    this.id = id;
    this.keys = keys;
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  static TestMinion connect(int port, String id, KeyPair keys) throws IOException {
    return connect(InetAddress.getLoopbackAddress(), port, id, keys);
  }

  /** Connects from {@code from} (another loopback address, e.g. 127.0.0.2) to 127.0.0.1. */
  static TestMinion connect(InetAddress from, int port, String id, KeyPair keys)
      throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, from, 0);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return new TestMinion(MinionId.of(id), keys, socket);
  }

  /** One handshake attempt; on WELCOME the session is kept for {@link #request}. */
  MinionHandshake.Outcome hello(MasterTrust trust) throws Exception {
    return hello(
        trust,
        publication -> {
          throw new IllegalStateException("a PUBLISH before the answer to the HELLO");
        });
  }

  /** Whether {@link #hello} sends the CONFIRM after a WELCOME, as a real minion does. */
  boolean confirmWelcomes = true;

  /** Whether {@link #hello} asks for a call session ({@code brine call}), docs/protocol.md §2.1. */
  boolean callSession;

  /**
   * As {@link #hello(MasterTrust)}, for a re-authentication while publications are still on their
   * way: a PUBLISH that arrives before the answer goes to {@code publications}.
   */
  MinionHandshake.Outcome hello(MasterTrust trust, Consumer<Frame> publications) throws Exception {
    MinionHandshake handshake = MinionHandshake.start(id, keys, trust, callSession);
    send(MessageType.HELLO, handshake.hello());
    for (lastAnswer = read(); lastAnswer.type() == MessageType.PUBLISH; lastAnswer = read()) {
      publications.accept(lastAnswer);
    }
    MinionHandshake.Outcome outcome = handshake.finish(lastAnswer.type(), lastAnswer.body());
    if (outcome instanceof MinionHandshake.Welcomed welcomed) {
      session = welcomed.session();
      if (confirmWelcomes) {
        send(MessageType.CONFIRM, session.sealConfirmation());
      }
    }
    return outcome;
  }

  /** Sends a REQUEST under the session and returns the opened REPLY. */
  String request(String text) throws Exception {
    send(MessageType.REQUEST, session.seal(MessageType.REQUEST, utf8(text)));
    Frame reply = read();
    if (reply.type() != MessageType.REPLY) {
      throw new IllegalStateException("expected REPLY, got " + reply);
    }
    return new String(session.open(MessageType.REPLY, reply.body()), StandardCharsets.UTF_8);
  }

  void send(MessageType type, byte[] body) throws IOException {
    out.writeInt(Wire.HEADER_BYTES + body.length);
    out.writeByte(Wire.VERSION);
    out.writeByte(type.code());
    out.write(body);
    out.flush();
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  Frame read() throws Exception {
    int length = in.readInt();
    int version = in.readUnsignedByte();
    if (version != Wire.VERSION) {
      throw new IllegalStateException("version " + version);
    }
    MessageType type = MessageType.fromCode(in.readByte());
    byte[] body = new byte[length - Wire.HEADER_BYTES];
    in.readFully(body);
    return new Frame(type, body);
  }

  /** How long the next {@link #read} waits before it throws {@link SocketTimeoutException}. */
  void readTimeout(Duration within) throws IOException {
    socket.setSoTimeout(Math.toIntExact(within.toMillis()));
  }

  /** Waits up to {@code within} for the master to close the connection. */
  boolean closedByMaster(Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    socket.setSoTimeout(100);
    try {
      while (System.nanoTime() < deadline) {
        try {
          if (in.read() < 0) {
            return true;
          }
        } catch (SocketTimeoutException e) {
          // still open; poll again
        } catch (SocketException e) {
          return true; // reset by the master
        }
      }
      return false;
    } finally {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    }
  }

  /**
   * Waits until the master registered {@code id}: it does once it has read the CONFIRM that {@link
   * #hello} sent after the WELCOME, a moment after the WELCOME arrived here.
   */
  static void awaitConnected(ConnectedMinions connected, String id) throws InterruptedException {
    MinionId minion = MinionId.of(id);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!connected.isConnected(minion) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (!connected.isConnected(minion)) {
      throw new AssertionError(id + " was not registered within 10 s of its CONFIRM");
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
