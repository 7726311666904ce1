package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CEL condition over an attestation, compiled when the policy loads (a syntax or type error is a
 * policy error, reported in its status) and evaluated with bounded cost: at most {@value
 * #MAX_ITERATIONS} comprehension iterations and an expression of at most {@value #MAX_LENGTH}
 * characters. Variables: {@code predicate} (the statement's predicate), {@code statement} (the
 * whole in-toto statement), {@code model} ({@code name}, {@code uri}, {@code rootDigest}, {@code
 * files}). The result must be a bool.
 */
public final class CelCondition {
  static final int MAX_LENGTH = 4096;
  static final int MAX_ITERATIONS = 10_000;
  private static final CelOptions OPTIONS =
      CelOptions.current().comprehensionMaxIterations(MAX_ITERATIONS).maxParseExpressionNodeCount(2000).build();
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
          .addVar("predicate", SimpleType.DYN)
          .addVar("statement", SimpleType.DYN)
          .addVar("model", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private final String expression;
  private final CelRuntime.Program program;

  private CelCondition(String expression, CelRuntime.Program program) {
    this.expression = expression;
    this.program = program;
  }

  /** @throws IllegalArgumentException with CEL's message when the condition does not compile */
  public static CelCondition compile(String expression) {
    if (expression.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("condition is longer than " + MAX_LENGTH + " characters");
    }
    CelValidationResult r = COMPILER.compile(expression);
    if (r.hasError()) {
      throw new IllegalArgumentException("condition does not compile: " + r.getErrorString().replace('\n', ' '));
    }
    try {
      return new CelCondition(expression, RUNTIME.createProgram(r.getAst()));
    } catch (Exception e) {
      throw new IllegalArgumentException("condition cannot be planned: " + e.getMessage());
    }
  }

  public String expression() {
    return expression;
  }

  /** True or false, or an error message (a runtime error denies, with that message). */
  public Outcome evaluate(JsonNode statement, Map<String, Object> model) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("statement", toCel(statement));
    vars.put("predicate", toCel(statement.path("predicate")));
    vars.put("model", model);
    try {
      Object result = program.eval(vars);
      if (result instanceof Boolean) {
        return new Outcome((Boolean) result, "");
      }
      return new Outcome(false, "condition gave " + result + ", not a bool");
    } catch (Exception e) {
      return new Outcome(false, "condition failed to evaluate: " + e.getMessage());
    }
  }

  /** A condition's result: {@code error} is empty when it evaluated. */
  public record Outcome(boolean holds, String error) {}

  /** JSON as CEL's Java values: maps, lists, strings, bools, int64 and double. */
  static Object toCel(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return dev.cel.common.values.NullValue.NULL_VALUE;
    }
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), toCel(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(e -> l.add(toCel(e)));
      return l;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    return n.asText();
  }
}
