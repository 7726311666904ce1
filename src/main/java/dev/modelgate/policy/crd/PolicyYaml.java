package dev.modelgate.policy.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Policies and trust roots written back as YAML documents (without status): what the volume
 * verifier in a pod receives and compiles again with the same code.
 */
final class PolicyYaml {
  private PolicyYaml() {}

  private static final ObjectMapper YAML =
      new YAMLMapper(YAMLFactory.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build())
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** The policy (without status) and the trust roots it references, as a YAML stream. */
  static String document(
      CustomResource<ModelPolicySpec, PolicyStatus> resource,
      ModelPolicySpec spec,
      Map<String, TrustMaterial> roots) {
    StringBuilder b = new StringBuilder();
    Set<String> refs = new HashSet<>();
    for (ModelPolicySpec.Authority a : spec.authorities) {
      if (a.certificate != null && a.certificate.trustRootRef != null) {
        refs.add(a.certificate.trustRootRef);
      }
      if (a.keyless != null && a.keyless.trustRootRef != null) {
        refs.add(a.keyless.trustRootRef);
      }
    }
    refs.stream()
        .sorted()
        .map(roots::get)
        .filter(Objects::nonNull)
        .forEach(t -> b.append(t.document()));
    b.append(of(resource));
    return b.toString();
  }

  static String of(Object resource) {
    try {
      if (resource instanceof CustomResource) {
        var r = (CustomResource<?, ?>) resource;
        var meta = new LinkedHashMap<String, Object>();
        meta.put("name", r.getMetadata().getName());
        if (r.getMetadata().getNamespace() != null) {
          meta.put("namespace", r.getMetadata().getNamespace());
        }
        var doc = new LinkedHashMap<String, Object>();
        doc.put("apiVersion", r.getApiVersion());
        doc.put("kind", r.getKind());
        doc.put("metadata", meta);
        doc.put("spec", r.getSpec());
        return YAML.writeValueAsString(doc);
      }
      return YAML.writeValueAsString(resource);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("policy cannot be written as YAML", e);
    }
  }
}
