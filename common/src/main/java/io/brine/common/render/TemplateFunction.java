package io.brine.common.render;

import java.util.List;
import java.util.Map;

/**
 * A function a template may call: {@code salt['pkg.version']('bash')} on the minion, {@code
 * vault_secret('db/prod', 'password')} in pillar on the master. Its failure ends the render, and
 * its message (never a secret) is the render's error, with the template's name and line.
 */
@FunctionalInterface
public interface TemplateFunction {
  /**
   * @param args the positional arguments, as the template gave them
   * @param kwargs the keyword arguments ({@code k=v}), in the template's order
   */
  Object call(List<Object> args, Map<String, Object> kwargs) throws Exception;
}
