package io.brine.minion.states;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One state of an id declaration in the high data: {@code file.managed} under {@code
 * /etc/nginx/nginx.conf}, with its arguments in the file's order and the auto order Salt gives it
 * (its place among all states rendered, from 10000 up, so an explicit small {@code order} runs
 * first).
 */
final class StateDecl {
  final String module;
  String fun;
  final Map<String, Object> args = new LinkedHashMap<>();
  final long autoOrder;

  StateDecl(String module, long autoOrder) {
    this.module = module;
    this.autoOrder = autoOrder;
  }
}
