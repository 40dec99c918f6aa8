package io.brine.vault;

import io.brine.vault.storage.FileStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child JVM for {@link CrashSafetyTest}: unseals the vault in a directory, then runs a rekey or a
 * root-key rotation and halts the JVM (no shutdown hooks, no flushing: as a kill -9 would) just
 * before the given write step of the core record. With step "none" it finishes and prints the new
 * shares. Its randomness is seeded, so a run with "none" on a copy of the directory shows which
 * shares the crashed run was about to commit.
 *
 * <p>Arguments: storage-dir shares-file (rekey|rotate-root) (WRITE_TEMP|FSYNC_TEMP|RENAME|FSYNC_DIR|none) seed
 */
public final class CrashingRotation {
  static final int HALTED = 42;

  private CrashingRotation() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    List<String> shares = Files.readAllLines(Path.of(args[1]));
    String operation = args[2];
    String crashStep = args[3];
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(Long.parseLong(args[4]));

    AtomicBoolean armed = new AtomicBoolean();
    FileStorage storage =
        FileStorage.open(
            dir,
            (step, path) -> {
              if (armed.get() && path.equals("core/vault") && step.name().equals(crashStep)) {
                Runtime.getRuntime().halt(HALTED);
              }
            });
    VaultCore vault = VaultCore.builder(storage).random(random).build();
    for (String s : shares.subList(0, 2)) {
      vault.submitUnsealKey(s, false);
    }
    String token = shares.get(shares.size() - 1);
    armed.set(true);
    if (operation.equals("rekey")) {
      String nonce = vault.startRotation(token, RotationKind.ROOT, 3, 2).nonce();
      vault.submitRotationKey(token, RotationKind.ROOT, shares.get(0), nonce);
      RotationUpdate done = vault.submitRotationKey(token, RotationKind.ROOT, shares.get(1), nonce);
      done.keys().forEach(System.out::println);
    } else {
      vault.rotateRootKey(token);
    }
    System.out.flush();
    System.exit(0);
  }
}
