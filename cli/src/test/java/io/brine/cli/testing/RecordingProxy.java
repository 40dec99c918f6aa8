package io.brine.cli.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A man in the middle on loopback, as an attacker on the path between a minion and its master
 * is: it forwards both directions frame by frame, records every PUBLISH frame the master sends and
 * every HELLO the minion sends (the wire format of docs/protocol.md §1: a 4-byte length, the
 * version, the type, the body), and can inject a recorded frame into the minion's current
 * connection, between two of the master's frames. One minion connection at a time; a new one
 * replaces the last.
 */
public final class RecordingProxy implements AutoCloseable {
  private static final int PUBLISH = 0x20;
  private static final int HELLO = 0x01;
  private static final int MAX_FRAME = 64 * 1024 * 1024;

  private final ServerSocket server;
  private final int masterPort;
  private final List<byte[]> publications = new CopyOnWriteArrayList<>();
  private final List<byte[]> hellos = new CopyOnWriteArrayList<>();
  private final Object toMinionLock = new Object();
  private final java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
  private volatile OutputStream toMinion;

  public RecordingProxy(int masterPort) throws IOException {
    this.masterPort = masterPort;
    this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "recording-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Every PUBLISH frame seen so far, whole (length, version, type, body). */
  public List<byte[]> publications() {
    return List.copyOf(publications);
  }

  /** The body of every HELLO the minion sent so far. */
  public List<byte[]> hellos() {
    return List.copyOf(hellos);
  }

  /** Every byte that crossed the proxy so far, both directions, as an eavesdropper sees them. */
  public byte[] wire() {
    synchronized (wire) {
      return wire.toByteArray();
    }
  }

  /** Writes {@code frame} to the minion's connection, as if the master had sent it. */
  public void inject(byte[] frame) throws IOException {
    synchronized (toMinionLock) {
      OutputStream out = toMinion;
      if (out == null) {
        throw new IOException("no minion is connected through the proxy");
      }
      out.write(frame);
      out.flush();
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket minion = server.accept();
        Socket master = new Socket(InetAddress.getLoopbackAddress(), masterPort);
        toMinion = minion.getOutputStream();
        relay("minion-to-master", minion, master, HELLO, hellos, new Object(), wire);
        relay("master-to-minion", master, minion, PUBLISH, publications, toMinionLock, wire);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /**
   * Copies {@code from} to {@code to} frame by frame on its own thread, keeping the frames of type
   * {@code recorded} in {@code record} (whole frames for PUBLISH, bodies for HELLO); writes go
   * under {@code lock}, so a frame injected meanwhile never lands inside another.
   */
  private static void relay(
      String name,
      Socket from,
      Socket to,
      int recorded,
      List<byte[]> record,
      Object lock,
      java.io.ByteArrayOutputStream wire) {
    Thread t =
        new Thread(
            () -> {
              try {
                DataInputStream in = new DataInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream();
                while (true) {
                  int length = in.readInt();
                  if (length < 2 || length > MAX_FRAME) {
                    throw new IOException("frame length " + length);
                  }
                  byte[] frame = ByteBuffer.allocate(4 + length).putInt(length).array();
                  in.readFully(frame, 4, length);
                  synchronized (wire) {
                    wire.write(frame, 0, frame.length);
                  }
                  if ((frame[5] & 0xff) == recorded) {
                    record.add(recorded == HELLO ? Arrays.copyOfRange(frame, 6, frame.length) : frame);
                  }
                  synchronized (lock) {
                    out.write(frame);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
