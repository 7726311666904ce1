package dev.modelgate.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A Kubernetes label selector: {@code matchLabels} and {@code matchExpressions} (In, NotIn, Exists,
 * DoesNotExist), all of which must hold. The empty selector matches everything.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> requirements) {
  public static final LabelSelector ALL = new LabelSelector(Map.of(), List.of());

  public LabelSelector {
    matchLabels = Map.copyOf(matchLabels);
    requirements = List.copyOf(requirements);
  }

  /** The operators Kubernetes defines for label selectors, each with its one spelling. */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    /** The operators as Kubernetes lists them in messages: "In, NotIn, Exists, DoesNotExist". */
    public static final String SPELLINGS = listed(", ");

    private final String spelling;

    Operator(String spelling) {
      this.spelling = spelling;
    }

    /** As Kubernetes spells it in {@code matchExpressions[].operator}. */
    public String spelling() {
      return spelling;
    }

    /** Every spelling, in order, joined by ", " and the last by {@code last} (", " or " or "). */
    public static String listed(String last) {
      List<String> all = Arrays.stream(values()).map(Operator::spelling).toList();
      return String.join(", ", all.subList(0, all.size() - 1)) + last + all.get(all.size() - 1);
    }

    /** The operator Kubernetes spells {@code text}; empty for any other text (or null). */
    public static Optional<Operator> parse(String text) {
      return Arrays.stream(values()).filter(o -> o.spelling.equals(text)).findFirst();
    }
  }

  public record Requirement(String key, Operator operator, Set<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = Set.copyOf(values);
      boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
      if (needsValues == values.isEmpty()) {
        throw new IllegalArgumentException(
            "label selector requirement on '"
                + key
                + "': "
                + operator
                + (needsValues ? " needs values" : " takes no values"));
      }
    }

    boolean matches(Map<String, String> labels) {
      switch (operator) {
        case IN:
          return labels.containsKey(key) && values.contains(labels.get(key));
        case NOT_IN:
          return !labels.containsKey(key) || !values.contains(labels.get(key));
        case EXISTS:
          return labels.containsKey(key);
        case DOES_NOT_EXIST:
          return !labels.containsKey(key);
        default:
          return false;
      }
    }
  }

  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return requirements.stream().allMatch(r -> r.matches(labels));
  }
}
