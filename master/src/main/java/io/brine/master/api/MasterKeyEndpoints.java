package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.MasterKeyRing;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.brine.vault.token.Durations;
import java.time.Duration;

/**
 * The master's own RSA key (docs/operator-guide.md, "Rotating the master's key"):
 *
 * <ul>
 *   <li>{@code GET sys/master-key}: the current epoch and fingerprint, and the previous keys still
 *       in their grace, in the logical envelope ({@code data}).
 *   <li>{@code PUT sys/master-key/rotate} (sudo, like every rotation in OpenBao), body optional
 *       {@code {"grace": "168h"}} (a duration string or seconds; default {@code master_key_grace}):
 *       a new key, vouched for by the current one; answered with the new status.
 * </ul>
 *
 * Both answer 503 while the vault is sealed, as every path behind the barrier does.
 */
final class MasterKeyEndpoints {
  static final String STATUS = "/v1/sys/master-key";
  static final String ROTATE = "/v1/sys/master-key/rotate";

  /** No longer than master_key_grace may be configured. */
  private static final Duration MAX_GRACE = Duration.ofDays(3650);

  private final MasterKeyRing ring;
  private final Duration defaultGrace;

  MasterKeyEndpoints(MasterKeyRing ring, Duration defaultGrace) {
    this.ring = ring;
    this.defaultGrace = defaultGrace;
  }

  void register(Routes.Builder routes) {
    routes
        .unsealed(STATUS, this::status, GET)
        .unsealed(ROTATE, Access.token().sudo(), this::rotate, PUT, POST);
  }

  private ApiResponse status(ApiRequest request) throws VaultException {
    return ApiResponse.ok(ApiJson.logical(data(ring.status())));
  }

  private ApiResponse rotate(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    for (var it = body.fields(); it.hasNext(); ) {
      String name = it.next().getKey();
      if (!name.equals("grace")) {
        throw new InvalidRequestException("unknown field '" + name + "'; only 'grace' is taken");
      }
    }
    Duration grace = defaultGrace;
    if (body.isSet("grace")) {
      grace = Durations.parse(body.node("grace"));
      if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
        throw new InvalidRequestException("'grace' must be between 0s and 87600h");
      }
    }
    return ApiResponse.ok(ApiJson.logical(data(ring.rotate(grace))));
  }

  private static ObjectNode data(MasterKeyRing.Status status) {
    ObjectNode data = ApiJson.object();
    data.put("epoch", status.epoch());
    data.put("fingerprint", status.fingerprint());
    ArrayNode retained = data.putArray("retained");
    for (MasterKeyRing.RetainedStatus r : status.retained()) {
      retained
          .addObject()
          .put("epoch", r.epoch())
          .put("fingerprint", r.fingerprint())
          .put("grace_end", r.graceEnd());
    }
    return data;
  }
}
