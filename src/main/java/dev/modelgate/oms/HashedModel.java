package dev.modelgate.oms;

import dev.modelgate.core.Failure;
import java.util.List;

/** The manifest computed from a model's bytes, in signing order, plus what could not be hashed. */
public record HashedModel(List<Resource> resources, List<Failure> failures) {
  public HashedModel {
    resources = List.copyOf(resources);
    failures = List.copyOf(failures);
  }
}
