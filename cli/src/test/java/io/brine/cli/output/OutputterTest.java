package io.brine.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Salt's outputters, each format streamed and --static, with the layouts Salt prints. */
class OutputterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StringWriter text = new StringWriter();

  private Outputter outputter(OutputFormat format, boolean staticOutput, int indent) {
    return new Outputter(
        new PrintWriter(text), new Outputter.Options(format, staticOutput, indent, Colors.NONE));
  }

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void nested_isSaltsDefaultLook_dictsUnderDashes_listsWithDashes_scalarsAsPython()
      throws Exception {
    Outputter out = outputter(OutputFormat.NESTED, false, 4);

    out.minion("web1", json("true"), false);
    out.minion("web2", json("{\"pid\":42,\"stdout\":\"a\\nb\",\"list\":[1,\"x\",{\"k\":null}],"
        + "\"empty\":{}}"), false);
    out.finish();

    assertThat(text.toString())
        .isEqualTo(
            "web1:\n"
                + "    True\n"
                + "web2:\n"
                + "    ----------\n"
                + "    pid:\n"
                + "        42\n"
                + "    stdout:\n"
                + "        a\n"
                + "        b\n"
                + "    list:\n"
                + "        - 1\n"
                + "        - x\n"
                + "        |_\n"
                + "          ----------\n"
                + "          k:\n"
                + "              None\n"
                + "    empty:\n"
                + "        ----------\n");
  }

  @Test
  void nested_onATerminal_hasSaltsColours_andAFailedMinionIsRed() throws Exception {
    Outputter out =
        new Outputter(
            new PrintWriter(text),
            new Outputter.Options(OutputFormat.NESTED, false, 4, new Colors(true)));

    out.minion("web1", json("\"ok\""), false);
    out.minion("web2", json("false"), true);

    assertThat(text.toString())
        .isEqualTo(
            "\033[0;32mweb1:\033[0m\n"
                + "    \033[0;32mok\033[0m\n"
                + "\033[0;31mweb2:\033[0m\n"
                + "    \033[1;33mFalse\033[0m\n");
  }

  @Test
  void json_withoutStatic_isOneObjectPerMinionAsItReturns_indentedFourAsSalts()
      throws Exception {
    Outputter out = outputter(OutputFormat.JSON, false, 4);

    out.minion("web2", json("{\"a\":[1,2],\"b\":{}}"), false);
    assertThat(text.toString()).isEqualTo(
        "{\n    \"web2\": {\n        \"a\": [\n            1,\n            2\n        ],\n"
            + "        \"b\": {}\n    }\n}\n");
    out.minion("web1", json("true"), false);
    out.finish();

    assertThat(text.toString()).endsWith("}\n{\n    \"web1\": true\n}\n");
  }

  @Test
  void json_withStatic_isOneObjectForAll_atTheEnd_inIdOrder() throws Exception {
    Outputter out = outputter(OutputFormat.JSON, true, 4);

    out.minion("web2", json("\"b\""), false);
    out.minion("web1", json("\"a\""), false);
    assertThat(text.toString()).isEmpty();
    out.finish();

    assertThat(text.toString()).isEqualTo("{\n    \"web1\": \"a\",\n    \"web2\": \"b\"\n}\n");
    assertThat(JSON.readTree(text.toString()).size()).isEqualTo(2);
  }

  @Test
  void json_withANegativeIndent_isOneLine_andIndentZero_isLinesWithoutIndent() throws Exception {
    Outputter compact = outputter(OutputFormat.JSON, true, -1);
    compact.minion("web1", json("{\"a\":[1,\"é\\\"\"]}"), false);
    compact.finish();
    String oneLine = text.toString();
    text.getBuffer().setLength(0);
    Outputter flat = outputter(OutputFormat.JSON, false, 0);
    flat.minion("web1", json("[true]"), false);

    assertThat(oneLine).isEqualTo("{\"web1\": {\"a\": [1, \"é\\\"\"]}}\n");
    assertThat(text.toString()).isEqualTo("{\n\"web1\": [\ntrue\n]\n}\n");
  }

  @Test
  void yaml_txt_raw_andQuiet() throws Exception {
    JsonNode value = json("{\"out\":\"it's\",\"rc\":null,\"ok\":true}");
    Outputter yaml = outputter(OutputFormat.YAML, false, 4);
    yaml.minion("web1", value, false);
    String yamlText = text.toString();
    text.getBuffer().setLength(0);
    Outputter txt = outputter(OutputFormat.TXT, false, 4);
    txt.minion("web1", json("\"line 1\\nline 2\""), false);
    txt.minion("web2", value, false);
    String txtText = text.toString();
    text.getBuffer().setLength(0);
    Outputter raw = outputter(OutputFormat.RAW, false, 4);
    raw.minion("web1", value, false);
    String rawText = text.toString();
    text.getBuffer().setLength(0);
    Outputter quiet = outputter(OutputFormat.QUIET, true, 4);
    quiet.minion("web1", value, false);
    quiet.finish();

    assertThat(yamlText).isEqualTo("web1:\n  out: it's\n  rc: null\n  ok: true\n");
    assertThat(txtText)
        .isEqualTo(
            "web1: line 1\nweb1: line 2\nweb2: {'out': \"it's\", 'rc': None, 'ok': True}\n");
    assertThat(rawText).isEqualTo("{'web1': {'out': \"it's\", 'rc': None, 'ok': True}}\n");
    assertThat(text.toString()).isEmpty();
  }

  @Test
  void theFormatNames_areSalts_textIsNested_andAWrongOneNamesThem() {
    assertThat(OutputFormat.of("text")).isEqualTo(OutputFormat.NESTED);
    assertThat(OutputFormat.of("JSON")).isEqualTo(OutputFormat.JSON);
    assertThat(OutputFormat.of("highstate")).isEqualTo(OutputFormat.HIGHSTATE);
    assertThatThrownBy(() -> OutputFormat.of("pprint"))
        .hasMessage(
            "--out must be one of nested, json, yaml, txt, raw, quiet, highstate (or text, the"
                + " same as nested), not 'pprint'");
  }

  @Test
  void pythonRepr_quotesAsPython() throws Exception {
    assertThat(PythonRepr.of(json("\"a'b\""))).isEqualTo("\"a'b\"");
    assertThat(PythonRepr.of(json("\"a'b\\\"c\""))).isEqualTo("'a\\'b\"c'");
    assertThat(PythonRepr.of(json("\"tab\\there\\n\""))).isEqualTo("'tab\\there\\n'");
    assertThat(PythonRepr.of(json("[1.5, false, []]"))).isEqualTo("[1.5, False, []]");
  }
}
