package io.brine.minion.states;

import java.util.LinkedHashMap;
import java.util.Map;

/** One id of the high data: where it was declared and its states, by state module. */
final class IdDecl {
  final String id;
  final String sls;
  final Map<String, StateDecl> states = new LinkedHashMap<>();

  IdDecl(String id, String sls) {
    this.id = id;
    this.sls = sls;
  }
}
