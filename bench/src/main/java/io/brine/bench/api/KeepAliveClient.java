package io.brine.bench.api;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection to the operator API sending authenticated GETs, one at a time,
 * as fast as the master answers. Written on a bare socket rather than java.net.http so that the
 * client side costs as little as possible of the two cores it shares with the master. Only what
 * the master sends is understood: a status line, headers and a Content-Length body; anything else
 * (chunked, no length) is an error, not a guess.
 */
final class KeepAliveClient implements AutoCloseable {
  private static final int MAX_HEADER_BYTES = 16 << 10;

  private final InetSocketAddress address;
  private final List<byte[]> requests;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int next;

  /**
   * @param paths sent in turn, each as {@code GET path} with {@code X-Vault-Token: token}
   */
  KeepAliveClient(InetSocketAddress address, String token, List<String> paths) {
    this.address = address;
    this.requests =
        paths.stream()
            .map(
                p ->
                    ("GET " + p + " HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort()
                            + "\r\nX-Vault-Token: " + token + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII))
            .toList();
  }

  /** Sends the next request and reads its answer: the HTTP status. */
  int call() throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(address, 5_000);
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream(), 8192);
      out = socket.getOutputStream();
    }
    out.write(requests.get(next));
    out.flush();
    next = (next + 1) % requests.size();
    return readAnswer();
  }

  private int readAnswer() throws IOException {
    String head = readHead();
    String[] lines = head.split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer: " + lines[0]);
    }
    long length = -1;
    boolean close = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("transfer-encoding")) {
        throw new IOException("transfer-encoding " + value + " is not understood here");
      } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
        close = true;
      }
    }
    if (length < 0) {
      throw new IOException("an answer without Content-Length");
    }
    skip(length);
    if (close) {
      close();
    }
    return Integer.parseInt(status[1]);
  }

  /** Up to the blank line; the last four bytes read, kept in one int, find it. */
  private String readHead() throws IOException {
    StringBuilder head = new StringBuilder(256);
    int last = 0;
    while (last != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed before an answer");
      }
      if (head.length() == MAX_HEADER_BYTES) {
        throw new IOException("an answer's headers over " + MAX_HEADER_BYTES + " bytes");
      }
      head.append((char) b);
      last = (last << 8) | b;
    }
    return head.substring(0, head.length() - 4);
  }

  private void skip(long length) throws IOException {
    byte[] sink = new byte[4096];
    for (long left = length; left > 0; ) {
      int n = in.read(sink, 0, (int) Math.min(sink.length, left));
      if (n < 0) {
        throw new IOException("the connection closed inside a body");
      }
      left -= n;
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  /** Drops the connection after a failed call; the next call connects again. */
  void disconnect() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing only
      }
      socket = null;
    }
  }
}
