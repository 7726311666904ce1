package dev.modelgate.core;

import com.fasterxml.jackson.core.JsonProcessingException;

/** A YAML or JSON syntax error as a person reads it: where (line and column, from 1), then what. */
public final class SyntaxError {
  private SyntaxError() {}

  /**
   * "at line 5, column 14: mapping values are not allowed here" (without a location when the parser
   * gave none).
   */
  public static String describe(JsonProcessingException e) {
    var at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : "at line "
                + at.getLineNr()
                + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "")
                + ": ";
    String what =
        e.getOriginalMessage() == null
            ? ""
            : e.getOriginalMessage().lines().findFirst().orElse("").strip();
    return where + what;
  }
}
