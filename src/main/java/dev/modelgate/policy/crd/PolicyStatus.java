package dev.modelgate.policy.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompiledPolicy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Status of policies and trust roots: the generation last compiled and a Ready condition, made from
 * the compiled policy ({@link #of}): {@code True}/{@code Compiled} with "policy compiled", or
 * {@code False}/{@code CompileError} with the compile errors, each as "field: message" ({@link
 * CompileError#summary}: the first ten, then "and K more"). Background verification writes {@code
 * scan} (policies only), which every writer keeps.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyStatus {
  public Long observedGeneration;
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("What the last background verification found (policies only).")
  public ScanStatus scan;

  /** The status that reports {@code p} compiled at {@code generation}. */
  public static PolicyStatus of(CompiledPolicy p, Long generation, Instant now) {
    PolicyStatus s = new PolicyStatus();
    s.observedGeneration = generation;
    s.conditions =
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus(readyStatus(p))
                .withReason(p.ready() ? "Compiled" : "CompileError")
                .withMessage(readyMessage(p))
                .withLastTransitionTime(now.toString())
                .withObservedGeneration(generation)
                .build());
    return s;
  }

  /** Whether {@code r}'s status already says what {@link #of} would write for {@code p}. */
  public static boolean shows(CustomResource<ModelPolicySpec, PolicyStatus> r, CompiledPolicy p) {
    PolicyStatus old = r.getStatus();
    return old != null
        && Objects.equals(old.observedGeneration, r.getMetadata().getGeneration())
        && old.conditions.stream()
            .anyMatch(
                c ->
                    c.getType().equals("Ready")
                        && c.getStatus().equals(readyStatus(p))
                        && Objects.equals(c.getMessage(), readyMessage(p)));
  }

  static String readyStatus(CompiledPolicy p) {
    return p.ready() ? "True" : "False";
  }

  /** "policy compiled", or the compile errors. */
  public static String readyMessage(CompiledPolicy p) {
    return p.ready() ? "policy compiled" : CompileError.summary(p.errors());
  }
}
