package io.brine.bench.attack;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A relay on loopback between minions and their master that shows every frame to an observer,
 * as an attacker on the path sees them: it forwards both directions frame by frame, unchanged.
 * The soak puts one in front of a real minion to record the HELLOs it sends, which the replayer
 * then sends again. Each accepted connection gets its own pair of relay threads.
 */
final class FrameTap implements Closeable {
  /** Which way a frame went. */
  enum Direction {
    TO_MASTER,
    TO_MINION
  }

  /** Sees every whole frame (length, version, type, body) before it is forwarded. */
  interface Observer {
    void frame(Direction direction, byte[] whole);
  }

  private final ServerSocket server;
  private final InetAddress masterHost;
  private final int masterPort;
  private final Observer observer;

  FrameTap(InetAddress masterHost, int masterPort, Observer observer) throws IOException {
    this.masterHost = masterHost;
    this.masterPort = masterPort;
    this.observer = observer;
    this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    daemon("frame-tap", this::accept).start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket minion = server.accept();
        Socket master;
        try {
          master = new Socket(masterHost, masterPort);
        } catch (IOException e) {
          minion.close(); // the master is not there: the minion sees a refused connection
          continue;
        }
        relay(minion, master, Direction.TO_MASTER);
        relay(master, minion, Direction.TO_MINION);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket from, Socket to, Direction direction) {
    daemon(
            "frame-tap-" + direction,
            () -> {
              try {
                DataInputStream in = new DataInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream();
                while (true) {
                  byte[] frame = RawFrames.readWhole(in);
                  observer.frame(direction, frame);
                  out.write(frame);
                  out.flush();
                }
              } catch (IOException e) {
                // One side closed: close both, as a direct connection would be.
                closeQuietly(from);
                closeQuietly(to);
              }
            })
        .start();
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
