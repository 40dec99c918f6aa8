package io.brine.bench.attack;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Requests to the operator API from a stranger's address, each on its own connection as a script
 * would send them, counted by the status they got. Two of issue 14's: random shares to {@code
 * sys/unseal} (parts 3: refused 400 on arrival, then 429 per address; 200 once unsealed, when
 * shares are not looked at) and wrong tokens of the root token's shape (part 5: 403, then 429).
 */
final class ApiRequestAttack implements Attack {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private final Outcomes outcomes;
  private final SoakTarget target;
  private final InetAddress from;
  private final Supplier<String> request;

  private ApiRequestAttack(
      String name, SoakTarget target, InetAddress from, Supplier<String> request) {
    this.outcomes = new Outcomes(name);
    this.target = target;
    this.from = from;
    this.request = request;
  }

  /** A random 33-byte share (x and 32 bytes, as the vault's are) to {@code sys/unseal}. */
  static ApiRequestAttack randomShares(SoakTarget target, InetAddress from) {
    return new ApiRequestAttack(
        "unseal shares",
        target,
        from,
        () -> {
          byte[] share = new byte[33];
          RANDOM.nextBytes(share);
          String body = "{\"key\":\"" + HexFormat.of().formatHex(share) + "\"}";
          return "PUT /v1/sys/unseal HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        });
  }

  /** A token of the root token's shape, so each is looked up, on a path that needs one. */
  static ApiRequestAttack wrongTokens(SoakTarget target, InetAddress from) {
    return new ApiRequestAttack(
        "wrong tokens",
        target,
        from,
        () -> {
          StringBuilder token = new StringBuilder("s.");
          for (int i = 0; i < 32; i++) {
            token.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
          }
          return "GET /v1/brine/keys HTTP/1.1\r\nHost: x\r\nX-Vault-Token: " + token
              + "\r\nConnection: close\r\n\r\n";
        });
  }

  @Override
  public Outcomes outcomes() {
    return outcomes;
  }

  @Override
  public void attempt() throws Exception {
    try (SocketChannel channel = Strangers.connect(from, target.api())) {
      channel.socket().getOutputStream().write(request.get().getBytes(StandardCharsets.US_ASCII));
      outcomes.count(status(channel.socket().getInputStream()));
    }
  }

  /** "answered 403" from the status line, or "closed unanswered". */
  private static String status(InputStream in) throws IOException {
    byte[] head = in.readNBytes(12); // "HTTP/1.1 200"
    if (head.length < 12) {
      return "closed unanswered";
    }
    return "answered " + new String(head, 9, 3, StandardCharsets.US_ASCII);
  }
}
