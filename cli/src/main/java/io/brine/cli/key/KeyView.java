package io.brine.cli.key;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.brine.cli.CliException;
import io.brine.master.pki.KeyStatus;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints keys grouped by status the way salt-key does: text headings in salt-key's order (accepted,
 * denied, unaccepted, rejected), or Salt's JSON/YAML shape keyed by folder name ({@code minions},
 * {@code minions_pre}, {@code minions_rejected}, {@code minions_denied}).
 */
final class KeyView {
  /** salt-key's text order. */
  static final List<KeyStatus> TEXT_ORDER =
      List.of(KeyStatus.ACCEPTED, KeyStatus.DENIED, KeyStatus.PENDING, KeyStatus.REJECTED);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  /** {@code --out}. */
  enum Format {
    TEXT,
    JSON,
    YAML;

    static Format parse(String value) {
      return switch (value) {
        case "text", "txt" -> TEXT;
        case "json" -> JSON;
        case "yaml" -> YAML;
        default -> null;
      };
    }
  }

  private final PrintWriter out;
  private final Format format;
  private final boolean quiet;

  KeyView(PrintWriter out, Format format, boolean quiet) {
    this.out = out;
    this.format = format;
    this.quiet = quiet;
  }

  static String heading(KeyStatus status) {
    return switch (status) {
      case ACCEPTED -> "Accepted Keys:";
      case DENIED -> "Denied Keys:";
      case PENDING -> "Unaccepted Keys:";
      case REJECTED -> "Rejected Keys:";
    };
  }

  /** Ids under headings (text) or lists under folder names (JSON, YAML). */
  void ids(Map<KeyStatus, List<String>> byStatus) {
    if (format == Format.TEXT) {
      text(byStatus, null);
    } else {
      Map<String, Object> tree = new LinkedHashMap<>();
      for (KeyStatus status : KeyStatus.values()) {
        if (byStatus.containsKey(status)) {
          tree.put(status.dirName(), byStatus.get(status));
        }
      }
      structured(tree);
    }
  }

  /**
   * "id: value" under headings (text), or objects of id to value (JSON, YAML); {@code local} is the
   * master's own keys, shown first as salt-key does, or null.
   */
  void values(Map<String, String> local, Map<KeyStatus, Map<String, String>> byStatus) {
    if (format == Format.TEXT) {
      if (local != null) {
        line("Local Keys:");
        local.forEach((name, value) -> line(name + ":  " + value));
      }
      for (KeyStatus status : TEXT_ORDER) {
        if (byStatus.containsKey(status)) {
          line(heading(status));
          byStatus.get(status).forEach((id, value) -> line(id + ":  " + value));
        }
      }
      return;
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    if (local != null) {
      tree.put("local", local);
    }
    for (KeyStatus status : KeyStatus.values()) {
      if (byStatus.containsKey(status)) {
        tree.put(status.dirName(), byStatus.get(status));
      }
    }
    structured(tree);
  }

  /** Any free-form object, for --gen-keys. */
  void structured(Map<String, ?> tree) {
    if (quiet) {
      return;
    }
    try {
      String text =
          format == Format.YAML ? YAML.writeValueAsString(tree) : JSON.writeValueAsString(tree);
      out.println(text.stripTrailing());
    } catch (JsonProcessingException e) {
      throw new CliException("cannot print the keys: " + e.getOriginalMessage(), e);
    }
  }

  boolean isText() {
    return format == Format.TEXT;
  }

  void line(String text) {
    if (!quiet) {
      out.println(text);
    }
  }

  /** The listing salt-key shows, also used above a confirmation prompt (then {@code to} is set). */
  void text(Map<KeyStatus, List<String>> byStatus, PrintWriter to) {
    PrintWriter target = to == null ? out : to;
    if (quiet && to == null) {
      return;
    }
    for (KeyStatus status : TEXT_ORDER) {
      if (byStatus.containsKey(status)) {
        target.println(heading(status));
        byStatus.get(status).forEach(target::println);
      }
    }
  }
}
