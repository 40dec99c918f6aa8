package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.file.Hashes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code test.rand_str [size] [hash_type=sha256]}, also under Salt's other name {@code
 * test.random_hash}: as Salt's, the hex digest of a random whole number from 0 to size (default
 * 9999999999), drawn from the system's secure random source; hash_type defaults to Salt's default
 * hash_type, sha256.
 */
public final class TestRandStr implements MinionFunction {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long DEFAULT_SIZE = 9_999_999_999L;

  private final String name;

  /**
   * @param name "test.rand_str" or "test.random_hash"
   */
  public TestRandStr(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String doc() {
    return "Returns the hash (hash_type, sha256) of a random number from 0 to size.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name, List.of("size", "hash_type"), Set.of());
    double size = a.optionalNumber("size").orElse((double) DEFAULT_SIZE);
    if (size < 1 || size != Math.rint(size) || size >= Long.MAX_VALUE) {
      throw new FunctionException(name + ": 'size' must be a whole number of at least 1");
    }
    MessageDigest digest =
        Hashes.digest(name, "hash_type", a.optionalString("hash_type").orElse("sha256"));
    long n = RANDOM.nextLong((long) size + 1);
    return FunctionOutput.ok(
        HexFormat.of()
            .formatHex(digest.digest(Long.toString(n).getBytes(StandardCharsets.US_ASCII))));
  }
}
