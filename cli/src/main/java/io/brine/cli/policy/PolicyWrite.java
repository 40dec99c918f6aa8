package io.brine.cli.policy;

import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.Output;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code brine policy write NAME FILE|-}: {@code PUT /v1/sys/policies/acl/NAME} with {@code
 * {"policy": "<the file's text>"}}, HCL or JSON as written. The master parses it and stores
 * nothing when it is wrong (400, with the line and column).
 */
@Command(
    name = "write",
    mixinStandardHelpOptions = true,
    description = {
      "Create or replace a policy from a file (HCL or JSON), or from stdin with '-'.",
      "  brine policy write web-runner web-runner.hcl",
      "  cat web-runner.hcl | brine policy write web-runner -"
    })
final class PolicyWrite extends PolicyNameCommand {
  /** Far above the master's request limit (64 KiB by default); a larger file is not a policy. */
  private static final int MAX_POLICY_BYTES = 1 << 20;

  @Parameters(index = "1", paramLabel = "FILE", description = "The policy file, or - for stdin.")
  String file;

  @Override
  protected int run(OperatorClient api, Output output) {
    String name = name();
    String policy = read(file.strip());
    api.put(PolicyName.path(name), Map.of("policy", policy));
    if (!name.equals(typedName)) {
      spec.commandLine()
          .getErr()
          .println("Policy name was converted from \"" + typedName + "\" to \"" + name + "\"");
    }
    if (output.isTable()) {
      output.line("Success! Uploaded policy: " + name);
    }
    return ExitCodes.OK;
  }

  private String read(String source) {
    String what = source.equals("-") ? "stdin" : source;
    byte[] bytes;
    try (InputStream in =
        source.equals("-") ? brine().stdin() : Files.newInputStream(Path.of(source))) {
      bytes = in.readNBytes(MAX_POLICY_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read the policy file " + what + ": no such file", e);
    } catch (IOException e) {
      throw new CliException("cannot read the policy from " + what + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_POLICY_BYTES) {
      throw new CliException("the policy in " + what + " is larger than 1 MiB");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CliException("the policy in " + what + " is not UTF-8 text", e);
    }
  }
}
