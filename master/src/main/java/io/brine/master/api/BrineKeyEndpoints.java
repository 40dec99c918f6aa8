package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.vault.VaultException;

/**
 * brine's own paths under {@code /v1/brine/}, token-authenticated like OpenBao's privileged ones:
 * {@code keys/rotate} rotates the publish key now ({@code brine key --rotate} on a running master)
 * and answers the new epoch; connected minions then re-authenticate over the reauth window.
 */
final class BrineKeyEndpoints {
  private final PublishKeyRotator publishKeys;

  BrineKeyEndpoints(PublishKeyRotator publishKeys) {
    this.publishKeys = publishKeys;
  }

  void register(Routes.Builder routes) {
    routes.unsealed("/v1/brine/keys/rotate", this::rotate, PUT, POST);
  }

  private ApiResponse rotate(ApiRequest request) throws VaultException {
    int epoch = publishKeys.rotateNow("asked through the operator API").epoch();
    ObjectNode body = ApiJson.object();
    body.put("epoch", epoch);
    return ApiResponse.ok(body);
  }
}
