package io.brine.cli.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Salt's target flags, one kind at a time, for every command that takes a TARGET (a picocli
 * mixin): {@code -L -E -G -P -C -N -S} and {@code --delimiter}.
 */
final class TargetOptions {
  @Option(
      names = {"-L", "--list"},
      description = "TARGET is a comma-separated list of minion ids.")
  boolean list;

  @Option(
      names = {"-E", "--pcre"},
      description = "TARGET is a regular expression, matched from the start of the id.")
  boolean pcre;

  @Option(
      names = {"-G", "--grain"},
      description = "TARGET is a grain, key:value, the value a glob (os:Debian, nested a:b:c*).")
  boolean grain;

  @Option(
      names = {"-P", "--grain-pcre"},
      description = "TARGET is a grain, key:value, the value a regular expression.")
  boolean grainPcre;

  @Option(
      names = {"-I", "--pillar"},
      description = "TARGET is a pillar value, key:value, the value a glob (role:web).")
  boolean pillar;

  @Option(
      names = {"-J", "--pillar-pcre"},
      description = "TARGET is a pillar value, key:value, the value a regular expression.")
  boolean pillarPcre;

  @Option(
      names = {"-C", "--compound"},
      description = "TARGET is a compound (G@os:Debian and web* or L@db1,db2 and not E@test.*).")
  boolean compound;

  @Option(
      names = {"-N", "--nodegroup"},
      description = "TARGET names a nodegroup of the master config's nodegroups:.")
  boolean nodegroup;

  @Option(
      names = {"-S", "--ipcidr"},
      description = "TARGET is an IP address or a CIDR subnet, matched on the ipv4/ipv6 grains.")
  boolean ipcidr;

  @Option(
      names = "--delimiter",
      paramLabel = "<text>",
      description = "What splits grain and pillar keys in -G, -P, -I, -J and -C (default ':').")
  String delimiter;

  /** Salt's tgt_type of the one target flag given; two of them are a usage error. */
  String type(CommandSpec spec) {
    Map<String, String> flags = new LinkedHashMap<>();
    given(flags, list, "-L", "list");
    given(flags, pcre, "-E", "pcre");
    given(flags, grain, "-G", "grain");
    given(flags, grainPcre, "-P", "grain_pcre");
    given(flags, pillar, "-I", "pillar");
    given(flags, pillarPcre, "-J", "pillar_pcre");
    given(flags, compound, "-C", "compound");
    given(flags, nodegroup, "-N", "nodegroup");
    given(flags, ipcidr, "-S", "ipcidr");
    if (flags.size() > 1) {
      List<String> names = new ArrayList<>(flags.keySet());
      throw new ParameterException(
          spec.commandLine(),
          String.join(" and ", names) + " cannot be used together: give one kind of target");
    }
    return flags.isEmpty() ? "glob" : flags.values().iterator().next();
  }

  /** Whether a target flag was given. */
  boolean given() {
    return list || pcre || grain || grainPcre || compound || nodegroup || ipcidr;
  }

  /** The request's target fields: tgt, tgt_type and, when given, delimiter. */
  void putInto(Map<String, Object> body, String target, CommandSpec spec) {
    body.put("tgt", target);
    body.put("tgt_type", type(spec));
    if (delimiter != null) {
      body.put("delimiter", delimiter);
    }
  }

  private static void given(Map<String, String> flags, boolean set, String flag, String type) {
    if (set) {
      flags.put(flag, type);
    }
  }
}
