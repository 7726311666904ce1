package dev.modelgate.source;

import dev.modelgate.oms.RelativePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One model a workload uses: its logical name, where it lives, where its signature is when not the
 * default ({@code ""}), the field that named it, for messages ({@code
 * metadata.annotations[model.modelgate.dev/llama]}, {@code spec.volumes[2].image.reference}), whose
 * registry credentials may read it, where it is verified ({@link Placement}), and the other fields
 * of the workload that name the very same reference (pinned with it; one verdict for all).
 */
public record ModelReference(
    String name,
    ModelUri uri,
    String signaturePath,
    String field,
    RegistryAccess access,
    Placement placement,
    List<String> alsoNamedAt) {
  public ModelReference {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(signaturePath, "signaturePath");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(placement, "placement");
    alsoNamedAt = List.copyOf(alsoNamedAt);
    if (!signaturePath.isEmpty()) {
      // It comes from a workload annotation and is joined to a model directory: refuse "..",
      // absolute paths and the like here, once, for every consumer.
      RelativePath.parse(signaturePath);
    }
  }

  public ModelReference(
      String name, ModelUri uri, String signaturePath, String field, RegistryAccess access) {
    this(name, uri, signaturePath, field, access, Placement.of(uri), List.of());
  }

  public ModelReference(String name, ModelUri uri, String signaturePath, String field) {
    this(name, uri, signaturePath, field, RegistryAccess.NONE);
  }

  public ModelReference withAccess(RegistryAccess a) {
    return new ModelReference(name, uri, signaturePath, field, a, placement, alsoNamedAt);
  }

  public ModelReference withPlacement(Placement p) {
    return new ModelReference(name, uri, signaturePath, field, access, p, alsoNamedAt);
  }

  public ModelReference withSignature(String path) {
    return new ModelReference(name, uri, path, field, access, placement, alsoNamedAt);
  }

  /** The same model named at one more field too. */
  public ModelReference alsoAt(String otherField) {
    List<String> more = new ArrayList<>(alsoNamedAt);
    more.add(otherField);
    return new ModelReference(name, uri, signaturePath, field, access, placement, more);
  }

  /** Verified by ModelGate's init container on a pod volume. */
  public boolean inPod() {
    return placement.stage() == Placement.Stage.IN_POD;
  }
}
