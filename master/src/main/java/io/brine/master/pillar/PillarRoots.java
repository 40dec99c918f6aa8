package io.brine.master.pillar;

import io.brine.common.render.TemplateSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Salt's {@code pillar_roots} for {@code base}: folders searched in order, the first that holds a
 * file serves it. A root that does not exist is passed over (a master without pillar has an empty
 * one). Names come from the operator's top file and templates, but those may build them from a
 * minion's grains, so each is checked as the file server checks a minion's request: relative, plain
 * segments (no {@code ..}, {@code .}, empty segment, backslash or control character), and the file
 * found must still lie under its root's real path (a link that leads out is refused). A file
 * larger than {@link #MAX_FILE_BYTES} or not UTF-8 is refused: an SLS is a page of YAML.
 */
final class PillarRoots implements TemplateSource {
  static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  /** A file found: its name under the root ({@code db/init.sls}) and its text. */
  record PillarFile(String relative, String text) {}

  private final List<Path> roots;

  PillarRoots(List<Path> roots) {
    List<Path> absolute = new ArrayList<>();
    for (Path root : roots) {
      absolute.add(root.toAbsolutePath().normalize());
    }
    this.roots = List.copyOf(absolute);
  }

  /** The first root's file at {@code relative}, or empty when no root has one. */
  Optional<PillarFile> find(String relative) throws IOException {
    check(relative);
    for (Path root : roots) {
      Path file = root.resolve(relative);
      if (!Files.exists(file)) {
        continue;
      }
      Path real = file.toRealPath();
      if (!real.startsWith(root.toRealPath())) {
        throw new IOException(relative + " leads out of pillar_roots (" + root + ")");
      }
      if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        continue; // a folder by that name in an earlier root is passed over, as Salt does
      }
      return Optional.of(new PillarFile(relative, text(relative, real)));
    }
    return Optional.empty();
  }

  /** A template's include ({@code map.jinja}, {@code salt://db/map.jinja}) from the roots. */
  @Override
  public Optional<String> read(String name) throws IOException {
    String relative = name.startsWith("salt://") ? name.substring("salt://".length()) : name;
    while (relative.startsWith("/")) {
      relative = relative.substring(1);
    }
    return find(relative).map(PillarFile::text);
  }

  private static void check(String relative) throws IOException {
    boolean plain = !relative.isEmpty() && relative.length() <= 1024;
    for (int i = 0; plain && i < relative.length(); i++) {
      char c = relative.charAt(i);
      plain = c >= 0x20 && c != 0x7f && c != '\\';
    }
    for (String segment : relative.split("/", -1)) {
      plain &= !segment.isEmpty() && !segment.equals(".") && !segment.equals("..");
    }
    if (!plain) {
      throw new IOException("not a pillar_roots path: '" + shown(relative) + "'");
    }
  }

  private static String text(String relative, Path real) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new IOException(relative + " went away while it was read");
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IOException(relative + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException(relative + " is not UTF-8 text");
    }
  }

  private static String shown(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .limit(120)
        .forEach(c -> b.append(c < 0x20 || c == 0x7f ? "?" : Character.toString(c)));
    return s.length() > 120 ? b + "..." : b.toString();
  }
}
