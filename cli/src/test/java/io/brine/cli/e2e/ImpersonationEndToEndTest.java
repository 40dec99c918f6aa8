package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.cli.testing.RecordingProxy;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.wire.MessageType;
import io.brine.protocol.wire.Wire;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 §1 with real processes: while an impostor who knows web1's public key sends a HELLO
 * for web1 every 100 ms, and a replayer sends web1's recorded HELLO as often, web1 keeps
 * answering {@code test.ping} and never loses its connection. Before the CONFIRM step the
 * impostor's first WELCOME took web1's place, and every ping after it went unanswered.
 */
class ImpersonationEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void impostorAndReplayerFlooding_web1KeepsAnsweringTestPing() throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "cachedir: " + dir.resolve("master/cache") + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "confirm_timeout: 2\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    try (MasterProcess master = MasterProcess.startWithConfig(config);
        RecordingProxy proxy = new RecordingProxy(master.minionPort())) {
      JsonNode init = master.initJson();
      master.unseal(init.get("keys").get(0).asText());
      Cli cli =
          new Cli()
              .env("BRINE_ADDR", master.address())
              .env("BRINE_TOKEN", init.get("root_token").asText());
      try (MinionProcess web1 =
          MinionProcess.start(dir.resolve("minion"), "web1", proxy.port())) {
        awaitLog(web1, "authenticated to master");
        assertPing(cli);
        RSAPublicKey web1Public =
            Pem.readPublicKey(Files.readString(web1.keyDir().resolve("minion.pub")));
        RSAPublicKey masterPublic =
                Pem.readPublicKey(
                    Files.readString(dir.resolve("master/pki/master/master.pub")));
        byte[] recorded = proxy.hellos().get(proxy.hellos().size() - 1);

        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger impostorWelcomes = new AtomicInteger();
        AtomicInteger replaysAnswered = new AtomicInteger();
        AtomicInteger replaysSent = new AtomicInteger();
        KeyPair posing = new KeyPair(web1Public, RsaKeys.generate(2048).getPrivate());
        CompletableFuture<Void> impostor =
            CompletableFuture.runAsync(
                () ->
                    flood(
                        flooding,
                        master.minionPort(),
                        () ->
                            MinionHandshake.start(
                                    MinionId.of("web1"), posing, MasterTrust.pinned(masterPublic))
                                .hello(),
                        answered -> {
                          if (answered) {
                            impostorWelcomes.incrementAndGet();
                          }
                        }));
        CompletableFuture<Void> replayer =
            CompletableFuture.runAsync(
                () ->
                    flood(
                        flooding,
                        master.minionPort(),
                        () -> {
                          replaysSent.incrementAndGet();
                          return recorded;
                        },
                        answered -> {
                          if (answered) {
                            replaysAnswered.incrementAndGet();
                          }
                        }));
        try {
          // test.ping again and again for at least 6 s of flooding: some 50 HELLOs of each kind.
          long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
          int pings = 0;
          while (pings < 4 || System.nanoTime() < until) {
            assertPing(cli);
            pings++;
          }
        } finally {
          flooding.set(false);
        }
        impostor.get();
        replayer.get();

        assertThat(impostorWelcomes.get()).as("the impostor got its WELCOMEs").isGreaterThan(20);
        assertThat(replaysSent.get()).isGreaterThan(20);
        assertThat(replaysAnswered.get()).as("a replay is never answered").isZero();
        assertThat(web1.count("lost the connection")).as(web1.log()).isZero();
        assertPing(cli);
        String log = master.log();
        assertThat(count(log, "replayed HELLO (its nonce was seen before)"))
            .isEqualTo(replaysSent.get());
        assertThat(count(log, "no CONFIRM within 2 s")).isGreaterThan(20);
        assertThat(log).doesNotContain("authenticated on a new connection");
      }
    }
  }

  private interface HelloSource {
    byte[] next() throws Exception;
  }

  /**
   * A new connection every 100 ms, each sending one HELLO and reading whether it was answered;
   * the connections stay open until the master closes them (an impostor holds what it can).
   */
  private static void flood(
      AtomicBoolean flooding,
      int port,
      HelloSource hellos,
      java.util.function.Consumer<Boolean> answered) {
    List<Socket> open = new ArrayList<>();
    try {
      while (flooding.get()) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5_000);
        open.add(s);
        byte[] body = hellos.next();
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(Wire.HEADER_BYTES + body.length);
        out.writeByte(Wire.VERSION);
        out.writeByte(MessageType.HELLO.code());
        out.write(body);
        out.flush();
        answered.accept(readsAFrame(s));
        Thread.sleep(100);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException e) {
          // closing
        }
      }
    }
  }

  private static boolean readsAFrame(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    try {
      int length = in.readInt();
      in.readFully(new byte[length]);
      return true;
    } catch (java.io.EOFException | java.net.SocketException e) {
      return false; // closed unanswered
    }
  }

  private static void assertPing(Cli cli) throws Exception {
    Result r = cli.run("run", "web1", "test.ping", "--out", "json");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(JSON.readTree(r.out()).get("web1").asBoolean()).as(r.out()).isTrue();
  }

  private static void awaitLog(MinionProcess m, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (m.count(text) < 1 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(m.count(text)).as(m.log()).isGreaterThanOrEqualTo(1);
  }

  private static long count(String log, String text) {
    return log.lines().filter(l -> l.contains(text)).count();
  }
}
