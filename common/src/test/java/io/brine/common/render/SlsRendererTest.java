package io.brine.common.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Salt's jinja|yaml pipeline: what SLS authors write, and the errors they get. */
class SlsRendererTest {
  private final SlsRenderer renderer = new SlsRenderer();

  private Map<String, Object> vars() {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("grains", Map.of("os", "Debian", "id", "web1", "roles", List.of("web", "db")));
    vars.put("pillar", Map.of("port", 8080));
    Map<String, Object> salt = new LinkedHashMap<>();
    salt.put("test.echo", renderer.function("test.echo", (args, kwargs) -> "echo " + args.get(0)));
    salt.put(
        "boom",
        renderer.function(
            "boom",
            (args, kwargs) -> {
              throw new IllegalStateException("the policy does not allow secret/db for web2");
            }));
    vars.put("salt", salt);
    return vars;
  }

  private Object render(String text) throws RenderException {
    return renderer.render("web/init.sls", text, vars(), TemplateSource.NONE);
  }

  @Test
  void jinjaThenYaml_withGrainsPillarAndSaltFunctions_keepsTheFilesOrder() throws Exception {
    Object data =
        render(
            "{% for role in grains.roles %}\n"
                + "{{ role }}-conf:\n"
                + "  file.managed:\n"
                + "    - name: /etc/{{ role }}.conf\n"
                + "    - contents: {{ salt['test.echo'](grains['id']) }} on {{ grains.os }}\n"
                + "{% endfor %}\n"
                + "port: {{ pillar.port }}\n");

    assertThat(data).isInstanceOf(Map.class);
    Map<?, ?> map = (Map<?, ?>) data;
    assertThat(List.copyOf(map.keySet())).isEqualTo(List.of("web-conf", "db-conf", "port"));
    assertThat(map.get("port")).isEqualTo(8080);
    assertThat(map.get("web-conf").toString())
        .isEqualTo("{file.managed=[{name=/etc/web.conf}, {contents=echo web1 on Debian}]}");
  }

  @Test
  void anUndefinedVariable_isAnErrorNamingFileAndLine_asSaltsStrictUndefined() {
    assertThatThrownBy(() -> render("a: 1\nb: {{ grain.os }}\n"))
        .isInstanceOf(RenderException.class)
        .hasMessage("web/init.sls: line 2: 'grain.os' is undefined");
  }

  @Test
  void aJinjaSyntaxError_namesTheLine() {
    assertThatThrownBy(() -> render("a: 1\n\n{% if %}\n{% endif %}\n"))
        .isInstanceOf(RenderException.class)
        .hasMessageStartingWith("web/init.sls: line 3: ")
        .hasMessageContaining("if");
  }

  @Test
  void aFailingFunction_endsTheRender_withItsOwnMessage() {
    assertThatThrownBy(() -> render("x: 1\ny: {{ salt['boom']() }}\n"))
        .isInstanceOf(RenderException.class)
        .hasMessage("web/init.sls: line 2: the policy does not allow secret/db for web2");
  }

  @Test
  void aFunctionAmongTheVariables_isCalledByItsBareName_withPositionalAndKeywordArguments()
      throws Exception {
    Map<String, Object> vars = vars();
    vars.put(
        "vault_secret",
        renderer.function("vault_secret", (args, kwargs) -> args + " " + kwargs));
    Object doc =
        renderer.render(
            "db.sls",
            "{% macro m() %}{{ vault_secret('in a macro') }}{% endmacro %}\n"
                + "a: \"{{ vault_secret('db/prod', 'password', version=2) }}\"\n"
                + "b: \"{{ m() }}\"\n",
            vars,
            TemplateSource.NONE);
    assertThat(doc)
        .isEqualTo(Map.of("a", "[db/prod, password] {version=2}", "b", "[in a macro] {}"));
    assertThat(vars).as("the caller's variables are not changed").doesNotContainKey("__macros__");
  }

  @Test
  void aFunctionCalledByItsBareName_thatFails_endsTheRender_withItsOwnMessage() {
    Map<String, Object> vars = vars();
    vars.put(
        "vault_secret",
        renderer.function(
            "vault_secret",
            (args, kwargs) -> {
              throw new IllegalStateException("vault_secret: minion web1 may not read it");
            }));
    assertThatThrownBy(
            () ->
                renderer.render(
                    "db.sls", "x: 1\ny: {{ vault_secret('a') }}\n", vars, TemplateSource.NONE))
        .isInstanceOf(RenderException.class)
        .hasMessage("db.sls: line 2: vault_secret: minion web1 may not read it");
  }

  @Test
  void duplicateKeysAndTabs_areRefused_withTheLine() {
    assertThatThrownBy(() -> render("pkg:\n  a: 1\npkg:\n  b: 2\n"))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("web/init.sls: not valid YAML after rendering")
        .hasMessageContaining("pkg");
    assertThatThrownBy(() -> render("a:\n\tb: 1\n"))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("tab");
  }

  @Test
  void shebangs_pickThePipeline_andPythonIsRefused() throws Exception {
    assertThat(render("#!yaml\na: '{{ not rendered }}'\n").toString())
        .isEqualTo("{a={{ not rendered }}}");
    assertThat(render("#!jinja|yaml\na: {{ grains.os }}\n").toString()).isEqualTo("{a=Debian}");
    assertThatThrownBy(() -> render("#!py\ndef run(): return {}\n"))
        .isInstanceOf(RenderException.class)
        .hasMessage(
            "web/init.sls: line 1: renderer 'py' is not supported (brine renders jinja|yaml,"
                + " yaml and jinja)");
  }

  @Test
  void anEmptyFile_isAnEmptyMapping() throws Exception {
    assertThat(render("")).isEqualTo(Map.of());
    assertThat(render("{# nothing for this minion #}\n")).isEqualTo(Map.of());
  }

  @Test
  void includesAndImports_comeFromTheSource_only() throws Exception {
    TemplateSource source =
        name ->
            name.equals("map.jinja")
                ? Optional.of("{% set port = 80 %}{% macro greet(n) %}hi {{ n }}{% endmacro %}")
                : Optional.empty();
    Object data =
        renderer.render(
            "web/init.sls",
            "{% from 'map.jinja' import port, greet %}\nport: {{ port }}\nhello: {{ greet('x') }}\n",
            vars(),
            source);
    assertThat(data.toString()).isEqualTo("{port=80, hello=hi x}");
    assertThatThrownBy(
            () ->
                renderer.render(
                    "web/init.sls", "{% include 'etc/passwd' %}\n", vars(), TemplateSource.NONE))
        .isInstanceOf(RenderException.class)
        .hasMessageStartingWith("web/init.sls");
  }

  @Test
  void aRunawayTemplate_stopsAtTheOutputBound() {
    String text =
        "{% for a in range(1000) %}{% for b in range(1000) %}"
            + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}";
    assertThatThrownBy(() -> renderer.renderText("big.sls", text, vars(), TemplateSource.NONE))
        .isInstanceOf(RenderException.class)
        .hasMessageStartingWith("big.sls");
  }
}
