package io.brine.cli.kv;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A secret's data from the command line, as bao's {@code kvbuilder} reads it: {@code key=value};
 * {@code key=@FILE}, the file's text; {@code key=\@text} for a value that starts with '@'; {@code
 * key=-}, all of stdin (its final line break included, as bao keeps it); a lone {@code -}, a JSON
 * object on stdin merged in; a key given twice becomes a list. Stdin is read once.
 *
 * <p>No message here repeats a value or a line of the input: they are the secret.
 */
final class KvData {
  /** Far above the master's request limit (64 KiB by default). */
  private static final int MAX_BYTES = 1 << 20;

  /** Decimals as written (1.10 stays 1.10), as bao's decoder keeps a number's text. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final InputStream stdin;
  private final ObjectNode data = JsonNodeFactory.instance.objectNode();
  private boolean stdinRead;

  private KvData(InputStream stdin) {
    this.stdin = stdin;
  }

  /** The data object for {@code {"data": ...}}; a one-line usage error when an argument is wrong. */
  static ObjectNode parse(List<String> arguments, InputStream stdin) {
    KvData builder = new KvData(stdin);
    for (String argument : arguments) {
      builder.add(argument);
    }
    return builder.data;
  }

  private void add(String argument) {
    if (argument.isEmpty()) {
      return; // as bao: an empty argument counts for nothing
    }
    int equals = argument.indexOf('=');
    if (equals < 0) {
      if (argument.equals("-")) {
        mergeJson();
        return;
      }
      if (argument.startsWith("@")) {
        throw atFile();
      }
      throw failed("format must be key=value");
    }
    String key = argument.substring(0, equals);
    String value = argument.substring(equals + 1);
    if (value.startsWith("@")) {
      value = fileText(value.substring(1));
    } else if (value.startsWith("\\@")) {
      value = value.substring(1);
    } else if (value.equals("-")) {
      value = new String(readStdin(), StandardCharsets.UTF_8);
    }
    put(key, JsonNodeFactory.instance.textNode(value));
  }

  /** bao's repeated key: the values so far and this one, as a list. */
  private void put(String key, JsonNode value) {
    JsonNode existing = data.get(key);
    if (existing == null) {
      data.set(key, value);
      return;
    }
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    if (existing.isArray()) {
      list.addAll((ArrayNode) existing);
    } else {
      list.add(existing);
    }
    list.add(value);
    data.set(key, list);
  }

  private void mergeJson() {
    byte[] bytes = readStdin();
    JsonNode parsed;
    try {
      parsed = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      // Jackson's own message quotes the offending token, which may be part of the secret.
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw failed("stdin is not JSON" + where);
    } catch (IOException e) {
      throw failed("stdin is not JSON");
    }
    if (parsed == null || parsed.isMissingNode()) {
      throw failed("stdin holds no JSON");
    }
    if (!parsed.isObject()) {
      throw failed("the JSON on stdin is not an object of keys and values");
    }
    data.setAll((ObjectNode) parsed);
  }

  private byte[] readStdin() {
    if (stdinRead) {
      throw failed("stdin already consumed");
    }
    stdinRead = true;
    try {
      return bounded(stdin, "stdin");
    } catch (IOException e) {
      throw failed("cannot read stdin: " + e.getMessage());
    }
  }

  private static String fileText(String file) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      return new String(bounded(in, file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw failed("error reading file: " + file + ": no such file");
    } catch (IOException | RuntimeException e) {
      if (e instanceof CliException cli) {
        throw cli;
      }
      throw failed("error reading file: " + file + ": " + e.getMessage());
    }
  }

  private static byte[] bounded(InputStream in, String what) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw failed(what + " holds more than 1 MiB");
    }
    return bytes;
  }

  /**
   * picocli reads a lone {@code @FILE} argument as a file of more arguments before brine sees it,
   * which would turn a JSON file into fragments of keys and values; bao's {@code @FILE} (a JSON
   * object) therefore goes through stdin here.
   */
  static CliException atFile() {
    return failed("@FILE is not read here: give the JSON object on stdin instead ('- < FILE')");
  }

  private static CliException failed(String why) {
    return new CliException("Failed to parse K=V data: " + why);
  }
}
