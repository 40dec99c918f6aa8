package io.brine.cli.token;

import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.Output;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brine token create}: {@code POST /v1/auth/token/create} with bao's body, a child of the
 * calling token unless {@code -orphan}. Only the flags given go into the body (and {@code
 * renewable}, which bao always sends), so the master's defaults apply to the rest.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Create a token, a child of the calling token (BRINE_TOKEN) unless -orphan.",
      "Its policies must be among the caller's, unless the caller is root.",
      "  brine token create -policy=web -ttl=8h -display-name=ci"
    })
final class TokenCreate extends SecretCommand {
  @Option(
      names = {"-policy", "--policy"},
      paramLabel = "<name>",
      split = ",",
      description = "A policy for the token; repeat it (or separate names with commas) for more.")
  List<String> policies = new ArrayList<>();

  @Option(
      names = {"-ttl", "--ttl"},
      paramLabel = "<duration>",
      converter = DurationFlag.class,
      description = "Initial time to live, e.g. 30m, 8h, 3600 (seconds).")
  Duration ttl;

  @Option(
      names = {"-explicit-max-ttl", "--explicit-max-ttl"},
      paramLabel = "<duration>",
      converter = DurationFlag.class,
      description = "A hard limit on the token's life that renewals cannot pass.")
  Duration explicitMaxTtl;

  @Option(
      names = {"-period", "--period"},
      paramLabel = "<duration>",
      converter = DurationFlag.class,
      description = "Make a periodic token: each renewal sets its TTL to this (needs sudo).")
  Duration period;

  @Option(
      names = {"-renewable", "--renewable"},
      paramLabel = "<true|false>",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      description = "Whether the token can be renewed (default true; -renewable=false).")
  boolean renewable;

  @Option(
      names = {"-orphan", "--orphan"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "A token with no parent, which outlives its creator (needs root or sudo).")
  boolean orphan;

  @Option(
      names = {"-no-default-policy", "--no-default-policy"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "Leave out the \"default\" policy.")
  boolean noDefaultPolicy;

  @Option(
      names = {"-use-limit", "--use-limit"},
      paramLabel = "<n>",
      description = "Uses before the token is revoked (default 0: unlimited).")
  Integer useLimit;

  @Option(
      names = {"-display-name", "--display-name"},
      paramLabel = "<name>",
      description = "A name for the token, shown in lookups and audit entries.")
  String displayName;

  @Option(
      names = {"-metadata", "--metadata"},
      paramLabel = "<key=value>",
      description = "Metadata recorded with the token and in audit entries; repeat for more.")
  Map<String, String> metadata = new LinkedHashMap<>();

  @Override
  protected int run(OperatorClient api, Output output) {
    return print(api.post("/v1/auth/token/create", body()), output);
  }

  /** OpenBao's TokenCreateRequest, with only what was asked for. */
  private Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    List<String> names = policies.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
    if (!names.isEmpty()) {
      body.put("policies", names);
    }
    if (!metadata.isEmpty()) {
      body.put("meta", new LinkedHashMap<>(metadata));
    }
    if (ttl != null) {
      body.put("ttl", DurationFlag.wire(ttl));
    }
    if (explicitMaxTtl != null) {
      body.put("explicit_max_ttl", DurationFlag.wire(explicitMaxTtl));
    }
    if (period != null) {
      body.put("period", DurationFlag.wire(period));
    }
    if (orphan) {
      body.put("no_parent", true);
    }
    if (noDefaultPolicy) {
      body.put("no_default_policy", true);
    }
    if (displayName != null) {
      body.put("display_name", displayName);
    }
    if (useLimit != null) {
      body.put("num_uses", useLimit);
    }
    body.put("renewable", renewable);
    return body;
  }
}
