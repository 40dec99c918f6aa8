package io.brine.common.render;

import java.io.IOException;
import java.util.Optional;

/**
 * Where {@code {% include %}}, {@code {% import %}} and {@code {% from ... import %}} find other
 * templates: the minion's salt:// files, the master's pillar_roots. Names are as the template
 * wrote them ({@code map.jinja}, {@code salt://apache/map.jinja}); the source resolves and bounds
 * them itself.
 */
@FunctionalInterface
public interface TemplateSource {
  /** A source with no templates: every include fails with a clear line. */
  TemplateSource NONE = name -> Optional.empty();

  /** The template's text, or empty when there is none by that name. */
  Optional<String> read(String name) throws IOException;
}
