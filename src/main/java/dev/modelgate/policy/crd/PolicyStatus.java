package dev.modelgate.policy.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Status of policies and trust roots: the generation last compiled and a Ready condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyStatus {
  public Long observedGeneration;
  public List<Condition> conditions = new ArrayList<>();
}
