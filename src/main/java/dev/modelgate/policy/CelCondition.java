package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CEL condition over an attestation, compiled when the policy loads (a syntax or type error is a
 * policy error, reported in its status) and evaluated with bounded cost: at most {@value
 * #MAX_ITERATIONS} comprehension iterations and an expression of at most {@value #MAX_LENGTH}
 * characters. Evaluation is also bounded in what it builds and how long it runs ({@link Bounds}):
 * CEL's own limits count iterations, not bytes, and a few nested {@code map}s over a large attested
 * string can build gigabytes. Exceeding a bound is an evaluation error, which denies with its
 * reason. Variables: {@code predicate} (the statement's predicate), {@code statement} (the whole
 * in-toto statement), {@code model} ({@code name}, {@code uri}, {@code rootDigest}, {@code files}).
 * The result must be a bool.
 */
public final class CelCondition {
  static final int MAX_LENGTH = 4096;
  static final int MAX_ITERATIONS = 10_000;

  /**
   * Longest string one step of a condition may build (an attested field may be longer, and is only
   * read).
   */
  static final int MAX_BUILT_STRING_CHARS = 1 << 20;

  /** All the characters of strings a condition builds, summed over its evaluation. */
  static final long MAX_BUILT_CHARS_TOTAL = 16L << 20;

  /** Most elements of a list or map a condition builds. */
  static final int MAX_BUILT_ELEMENTS = 100_000;

  /**
   * Longest one evaluation may run: well inside an admission deadline, for every condition of a
   * model.
   */
  static final long MAX_EVALUATION_MILLIS = 1_000;

  private static final CelOptions OPTIONS =
      CelOptions.current()
          .comprehensionMaxIterations(MAX_ITERATIONS)
          .maxParseExpressionNodeCount(2000)
          .build();
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("predicate", SimpleType.DYN)
          .addVar("statement", SimpleType.DYN)
          .addVar("model", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private final String expression;
  private final CelRuntime.Program program;

  private CelCondition(String expression, CelRuntime.Program program) {
    this.expression = expression;
    this.program = program;
  }

  /**
   * @throws IllegalArgumentException with CEL's message when the condition does not compile
   */
  public static CelCondition compile(String expression) {
    if (expression.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("condition is longer than " + MAX_LENGTH + " characters");
    }
    CelValidationResult r = COMPILER.compile(expression);
    if (r.hasError()) {
      throw new IllegalArgumentException(
          "condition does not compile: " + r.getErrorString().replace('\n', ' '));
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
    return evaluate(statement, model, MAX_EVALUATION_MILLIS);
  }

  /**
   * As {@link #evaluate(JsonNode, Map)} with another time budget: tests of the other bounds give
   * themselves a long one, so a loaded machine does not turn their bound into the deadline.
   */
  Outcome evaluate(JsonNode statement, Map<String, Object> model, long maxMillis) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("statement", toCel(statement));
    vars.put("predicate", toCel(statement.path("predicate")));
    vars.put("model", model);
    try {
      Object result = program.trace(vars, new Bounds(maxMillis));
      if (result instanceof Boolean) {
        return new Outcome((Boolean) result, "");
      }
      return new Outcome(false, "condition gave " + result + ", not a bool");
    } catch (Exception e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BoundExceeded) {
          return new Outcome(false, "condition exceeded its bounds: " + t.getMessage());
        }
      }
      return new Outcome(false, "condition failed to evaluate: " + e.getMessage());
    }
  }

  /**
   * Watches every value the evaluation produces. Reading variables and fields is free (the
   * attestation is already in memory, bounded by the bundle limit); what calls, literals and
   * comprehensions build is counted, and the clock is checked at every step.
   */
  private static final class Bounds implements CelEvaluationListener {
    private final long maxMillis;
    private final long deadline;
    private long builtChars;

    Bounds(long maxMillis) {
      this.maxMillis = maxMillis;
      this.deadline = System.nanoTime() + maxMillis * 1_000_000L;
    }

    @Override
    public void callback(CelExpr expr, Object value) {
      if (System.nanoTime() > deadline) {
        throw new BoundExceeded("evaluation took longer than " + maxMillis + " ms");
      }
      CelExpr.ExprKind.Kind kind = expr.getKind();
      if (kind == CelExpr.ExprKind.Kind.IDENT || kind == CelExpr.ExprKind.Kind.SELECT) {
        return;
      }
      if (value instanceof CharSequence) {
        int n = ((CharSequence) value).length();
        builtChars += n;
        if (n > MAX_BUILT_STRING_CHARS) {
          throw new BoundExceeded(
              "it built a string of " + n + " characters, more than " + MAX_BUILT_STRING_CHARS);
        }
        if (builtChars > MAX_BUILT_CHARS_TOTAL) {
          throw new BoundExceeded(
              "its strings add up to more than " + MAX_BUILT_CHARS_TOTAL + " characters");
        }
      } else if (value instanceof Collection
          && ((Collection<?>) value).size() > MAX_BUILT_ELEMENTS) {
        throw new BoundExceeded(
            "it built a list of "
                + ((Collection<?>) value).size()
                + " elements, more than "
                + MAX_BUILT_ELEMENTS);
      } else if (value instanceof Map && ((Map<?, ?>) value).size() > MAX_BUILT_ELEMENTS) {
        throw new BoundExceeded(
            "it built a map of "
                + ((Map<?, ?>) value).size()
                + " entries, more than "
                + MAX_BUILT_ELEMENTS);
      }
    }
  }

  private static final class BoundExceeded extends RuntimeException {
    BoundExceeded(String message) {
      super(message, null, false, false);
    }
  }

  /** A condition's result: {@code error} is empty when it evaluated. */
  public record Outcome(boolean holds, String error) {}

  /** JSON as CEL's Java values: maps, lists, strings, bools, int64 and double. */
  static Object toCel(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return NullValue.NULL_VALUE;
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
