package io.brine.minion.daemon;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.MasterHandshake;
import io.brine.protocol.handshake.Session;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import io.brine.protocol.publish.PublishEnvelope;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.AuthGate;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import io.brine.protocol.wire.Wire;
import io.brine.protocol.wire.WirePipeline;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A master for the minion's tests, built from the protocol's real {@link MasterHandshake} and
 * {@link PublishEnvelope.Sealer} over a real Netty server on loopback. It answers each HELLO with
 * the next scripted answer (WELCOME once the script is empty), accepting whatever key the minion
 * presents, and can rotate (REAUTH), publish and drop its connections. It answers a {@code ping}
 * call as the master does, and can be paused: it then reads and writes nothing, and its kernel
 * still accepts connections, as with a master stopped by SIGSTOP.
 */
final class TestMaster implements AutoCloseable {
  /** What to answer to the next HELLO. */
  enum Answer {
    WELCOME,
    PENDING,
    REJECTED,
    DENIED,
    SEALED,
    CLOSE
  }

  private static final AttributeKey<Session> SESSION = AttributeKey.valueOf("test-session");

  private final KeyPair keys;
  private final MasterHandshake handshake;
  private final boolean stripToken;
  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final AtomicInteger hellos = new AtomicInteger();
  private final AtomicInteger welcomes = new AtomicInteger();
  private final AtomicInteger confirms = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger pings = new AtomicInteger();
  private final Queue<String> returns = new ConcurrentLinkedQueue<>();
  private volatile boolean acknowledgeReturns;
  private volatile boolean paused;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile PublishKey publishKey = new PublishKey(1, AesGcmKey.generate());

  /**
   * @param stripToken answer as if the HELLO had no token: what an impostor without the pinned
   *     master's private key can do at best (it cannot decrypt the token)
   */
  TestMaster(KeyPair keys, int port, boolean stripToken, Answer... answers) throws Exception {
    this.keys = keys;
    this.handshake = MasterHandshake.create(keys);
    this.stripToken = stripToken;
    this.script.addAll(List.of(answers));
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accepted.incrementAndGet();
                    connections.add(ch);
                    ch.config().setAutoRead(!paused);
                    WirePipeline.install(
                        ch.pipeline(),
                        Wire.DEFAULT_MAX_FRAME_BYTES,
                        AuthGate.MASTER_SIDE,
                        new Handler());
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
  }

  TestMaster(KeyPair keys, Answer... answers) throws Exception {
    this(keys, 0, false, answers);
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  int hellos() {
    return hellos.get();
  }

  int welcomes() {
    return welcomes.get();
  }

  /** CONFIRMs that opened under their session and carried their WELCOME's transcript. */
  int confirms() {
    return confirms.get();
  }

  int connectionsAccepted() {
    return accepted.get();
  }

  /** Connections open now. */
  int openConnections() {
    return connections.size();
  }

  /** Publishes under {@code key} from now on: a cluster's masters share one publish key. */
  void usePublishKey(PublishKey key) {
    publishKey = key;
  }

  /** The jids of the return calls received, in order, one per call (acknowledged or not). */
  List<String> returns() {
    return List.copyOf(returns);
  }

  /**
   * Whether a return call is acknowledged, as a master that stored it does; by default it is not
   * (a master that dies before it stores it), and the minion sends it again in its next session.
   */
  void acknowledgeReturns(boolean acknowledge) {
    acknowledgeReturns = acknowledge;
  }

  /** Ping calls answered. */
  int pings() {
    return pings.get();
  }

  /** Stops reading every connection, and every new one: silent as a stopped process. */
  void pause() {
    paused = true;
    for (Channel ch : connections) {
      ch.config().setAutoRead(false);
    }
  }

  int epoch() {
    return publishKey.epoch();
  }

  /** A new publish key, and REAUTH (sealed under each session) to every connected minion. */
  void rotate() throws Exception {
    rotate(null);
  }

  /**
   * Rotates, and right behind each REAUTH (before the minion's new HELLO can arrive) sends {@code
   * payload} as a publication under the previous key, as a master publishing across a rotation
   * does.
   */
  void rotate(byte[] payload) throws Exception {
    PublishKey previous = publishKey;
    byte[] acrossTheRotation =
        payload == null
            ? null
            : PublishEnvelope.Sealer.create((RSAPrivateCrtKey) keys.getPrivate())
                .seal(previous, payload);
    PublishKey next = new PublishKey(previous.epoch() + 1, AesGcmKey.generate());
    publishKey = next;
    byte[] body = ("{\"epoch\": " + next.epoch() + "}").getBytes(StandardCharsets.UTF_8);
    for (Channel ch : connections) {
      ch.eventLoop()
          .execute(
              () -> {
                Session session = ch.attr(SESSION).get();
                if (session != null) {
                  try {
                    byte[] sealed = session.seal(MessageType.REAUTH, body);
                    ch.write(new Frame(MessageType.REAUTH, sealed));
                    if (acrossTheRotation != null) {
                      ch.write(new Frame(MessageType.PUBLISH, acrossTheRotation));
                    }
                    ch.flush();
                  } catch (Exception e) {
                    ch.pipeline().fireExceptionCaught(e);
                  }
                }
              });
    }
  }

  /** A publication under the current publish key, signed by {@code signer}. */
  void publish(KeyPair signer, byte[] payload) throws Exception {
    byte[] body =
        PublishEnvelope.Sealer.create((RSAPrivateCrtKey) signer.getPrivate())
            .seal(publishKey, payload);
    connections.writeAndFlush(new Frame(MessageType.PUBLISH, body)).sync();
  }

  void publish(byte[] payload) throws Exception {
    publish(keys, payload);
  }

  /** Any frame, to every connection, as a broken or hostile master would. */
  void send(MessageType type, byte[] body) {
    connections.writeAndFlush(new Frame(type, body)).syncUninterruptibly();
  }

  void dropConnections() throws InterruptedException {
    connections.close().sync();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return; // closed by the test (a master that dies) and again after it
    }
    server.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<Frame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) throws Exception {
      if (frame.type() == MessageType.CONFIRM) {
        // Throws (and the connection closes) unless the minion proved its key for this session.
        ctx.channel().attr(SESSION).get().openConfirmation(frame.body());
        confirms.incrementAndGet();
        return;
      }
      if (frame.type() == MessageType.REQUEST) {
        request(ctx, frame.body());
        return;
      }
      if (frame.type() != MessageType.HELLO) {
        return; // the minion sends nothing else yet
      }
      hellos.incrementAndGet();
      Hello hello = Hello.parse(stripToken ? withoutToken(frame.body()) : frame.body());
      Answer answer = script.poll();
      switch (answer == null ? Answer.WELCOME : answer) {
        case WELCOME -> {
          MasterHandshake.Accepted welcome =
              handshake.welcome(hello, hello.publicKey(), publishKey);
          Session old = ctx.channel().attr(SESSION).getAndSet(welcome.session());
          if (old != null) {
            old.destroy();
          }
          AuthGate.open(ctx.pipeline());
          ctx.writeAndFlush(new Frame(MessageType.WELCOME, welcome.body()));
          welcomes.incrementAndGet();
        }
        case PENDING, REJECTED, DENIED -> {
          MessageType type = MessageType.valueOf(answer.name());
          ctx.writeAndFlush(new Frame(type, handshake.refuse(hello, type, "test says " + answer)));
        }
        case SEALED ->
            ctx.writeAndFlush(
                new Frame(
                    MessageType.SEALED, MasterHandshake.sealed(hello, "master vault is sealed")));
        case CLOSE -> ctx.close();
      }
    }

    /**
     * Answers a ping as the master's MinionCalls does; records a return and acknowledges it when
     * told to; other calls get no answer here.
     */
    private void request(ChannelHandlerContext ctx, byte[] body) throws Exception {
      Session session = ctx.channel().attr(SESSION).get();
      SessionCall call = SessionCall.parse(session.open(MessageType.REQUEST, body));
      if (SessionCall.PING.equals(call.kind())) {
        pings.incrementAndGet();
        byte[] reply = SessionReply.ok(call.rid()).toJson();
        ctx.writeAndFlush(new Frame(MessageType.REPLY, session.seal(MessageType.REPLY, reply)));
      } else if (SessionCall.RETURN.equals(call.kind())) {
        returns.add(call.body().path("jid").asText());
        if (acknowledgeReturns) {
          byte[] reply = SessionReply.ok(call.rid()).toJson();
          ctx.writeAndFlush(
              new Frame(MessageType.REPLY, session.seal(MessageType.REPLY, reply)));
        }
      }
    }

    private byte[] withoutToken(byte[] body) throws ProtocolException {
      try {
        JsonMapper json = new JsonMapper();
        ObjectNode o = (ObjectNode) json.readTree(body);
        o.remove("token");
        return json.writeValueAsBytes(o);
      } catch (IOException e) {
        throw new ProtocolException("cannot rewrite the HELLO", e);
      }
    }
  }
}
