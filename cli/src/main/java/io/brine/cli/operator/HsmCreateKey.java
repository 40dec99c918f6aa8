package io.brine.cli.operator;

import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.common.config.ConfigException;
import io.brine.master.config.MasterConfig;
import io.brine.vault.VaultException;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.seal.SealConfiguration;
import io.brine.vault.seal.pkcs11.Pkcs11Wrapper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brine operator hsm-create-key -c master.yaml}: makes the AES-256 key that the config's
 * PKCS#11 seal block names, on the token it names, before the master's first start. It talks to the
 * HSM, not to a master, so it takes none of the API options.
 */
@Command(
    name = "hsm-create-key",
    mixinStandardHelpOptions = true,
    description = {
      "Create the AES-256 key named in the master config's PKCS#11 seal block.",
      "Refuses a label already taken: replacing a key loses what it wrapped."
    })
final class HsmCreateKey implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "<master.yaml>",
      description = "The master's config file; its vault.seal block says where the key goes.")
  Path config;

  @Override
  public Integer call() {
    Pkcs11Config hsm = hsmOf(load(config));
    try {
      Pkcs11Wrapper.createKey(hsm);
    } catch (VaultException e) {
      throw new CliException(e.getMessage(), e);
    }
    String token =
        hsm.tokenLabel() != null ? "token '" + hsm.tokenLabel() + "'" : "slot " + hsm.slot();
    spec.commandLine()
        .getOut()
        .println("Success! Created AES-256 key '" + hsm.keyLabel() + "' on " + token + ".");
    return ExitCodes.OK;
  }

  private static MasterConfig load(Path file) {
    try {
      return MasterConfig.load(file);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  private Pkcs11Config hsmOf(MasterConfig master) {
    SealConfiguration seal = master.vault().seal();
    if (seal.pkcs11() == null) {
      throw new CliException(
          config + ": vault.seal is not of type pkcs11, so there is no HSM key to make");
    }
    if (seal.pkcs11Disabled()) {
      throw new CliException(
          config
              + ": vault.seal is disabled (a migration away from this HSM needs its old key, not a"
              + " new one)");
    }
    return seal.pkcs11();
  }
}
