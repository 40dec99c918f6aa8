package io.brine.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.VerdictCommand;
import io.brine.master.audit.AuditVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code brine audit verify [--public-key KEY|FILE] [--head FILE|JSON] FILE...}: offline, on the
 * files alone. Exit 0 when the chain holds, 1 when it does not, 2 when it could not be checked.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check audit files: the hash chain (seq and prev on every line), each checkpoint's",
      "signature, and that each FILE continues the one before it (give rotated files oldest",
      "first). Reports the first edited, inserted, deleted or reordered entry. Entries after the",
      "last checkpoint are not signed: --head (the master's GET /v1/brine/audit/head/<path>,",
      "fetched and kept apart from the files) shows a cut there.",
      "Exit 0: the chain holds; 1: it does not; 2: could not check."
    })
public final class VerifyCommand implements Callable<Integer>, VerdictCommand {
  @Spec CommandSpec spec;

  @Option(
      names = "--public-key",
      paramLabel = "KEY|FILE",
      description =
          "The checkpoint key (GET /v1/brine/audit/checkpoint-key, its PEM, or a file with either)."
              + " Without it, the key in the first checkpoint is used, and the output says so.")
  String publicKey;

  @Option(
      names = "--head",
      paramLabel = "FILE|JSON",
      description = "The master's latest checkpoint for this device (a file or the JSON itself).")
  String head;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files, oldest first.")
  List<Path> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] key = null;
    JsonNode parsedHead = null;
    try {
      if (publicKey != null) {
        key = AuditVerifier.parsePublicKey(fileOrText(publicKey));
      }
      if (head != null) {
        parsedHead = AuditVerifier.parseHead(fileOrText(head));
      }
      AuditVerifier.Report report = AuditVerifier.verify(files, key, parsedHead);
      report.lines().forEach(out::println);
      out.flush();
      return report.holds() ? HOLDS : BROKEN;
    } catch (IllegalArgumentException e) {
      err.println("Error: " + (publicKey != null && key == null ? "--public-key: " : "--head: ")
          + e.getMessage());
    } catch (IOException e) {
      err.println("Error: cannot read " + e.getMessage());
    }
    err.flush();
    return TROUBLE;
  }

  /** The file's content when {@code value} names a readable file, else the value itself. */
  private static String fileOrText(String value) throws IOException {
    try {
      Path p = Path.of(value);
      if (Files.isRegularFile(p)) {
        return Files.readString(p, StandardCharsets.UTF_8);
      }
    } catch (InvalidPathException e) {
      // not a path: the value itself
    }
    return value;
  }
}
