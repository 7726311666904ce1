package dev.modelgate.policy.crd;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.trust.PemReader;
import dev.modelgate.trust.SigstoreTrustRoot;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compiles a {@code ModelTrustRoot}: its certificate authorities (PEM) and its Sigstore trusted
 * root (inline, from a ConfigMap, or a client trust config), each problem at its field.
 */
final class TrustRootCompiler {
  private TrustRootCompiler() {}

  static TrustMaterial compile(ModelTrustRoot r, String resolvedSigstoreJson) {
    String name = r.getMetadata().getName();
    String label = "ModelTrustRoot '" + name + "'";
    CompileErrors errors = CompileErrors.atSpec();
    List<X509Certificate> cas = new ArrayList<>();
    Optional<SigstoreTrustRoot> sigstore = Optional.empty();
    ModelTrustRootSpec spec = r.getSpec();
    if (spec == null || (spec.certificateAuthorities == null && spec.sigstore == null)) {
      errors.add(Kind.FIELD_MISSING, label + " has neither certificateAuthorities nor sigstore");
    } else {
      if (spec.certificateAuthorities != null) {
        try {
          cas.addAll(PemReader.certificates(spec.certificateAuthorities, label));
        } catch (InvalidInputException e) {
          errors.at("certificateAuthorities").add(Kind.PEM_INVALID, e.getMessage());
        }
      }
      CompileErrors at = errors.at("sigstore");
      if (spec.sigstore != null && spec.sigstore.trustConfig != null) {
        sigstore = clientTrustConfig(name, spec.sigstore, at.at("trustConfig"));
      } else if (spec.sigstore != null) {
        boolean inline = spec.sigstore.trustedRoot != null;
        String json = inline ? spec.sigstore.trustedRoot : resolvedSigstoreJson;
        if (json == null || json.isEmpty()) {
          at.at("trustedRoot")
              .add(
                  Kind.FIELD_MISSING,
                  label + " sigstore has no trustedRoot (inline or resolvable configMapRef)");
        } else {
          try {
            sigstore =
                Optional.of(
                    SigstoreTrustRoot.fromJson(json.getBytes(StandardCharsets.UTF_8), label));
          } catch (InvalidInputException e) {
            at.at(inline ? "trustedRoot" : "configMapRef")
                .add(Kind.TRUST_ROOT_INVALID, e.getMessage());
          }
        }
      }
    }
    return new TrustMaterial(name, cas, sigstore, errors.list(), PolicyYaml.of(r));
  }

  /** {@code sigstore.trustConfig}: the only trust source of this root, or the root is in error. */
  private static Optional<SigstoreTrustRoot> clientTrustConfig(
      String name, ModelTrustRootSpec.Sigstore sigstore, CompileErrors at) {
    if (sigstore.trustedRoot != null || sigstore.configMapRef != null) {
      at.add(
          Kind.FIELD_CONFLICT,
          "ModelTrustRoot '"
              + name
              + "' sigstore has trustConfig and "
              + (sigstore.trustedRoot != null ? "trustedRoot" : "configMapRef")
              + "; give one");
      return Optional.empty();
    }
    try {
      return Optional.of(
          SigstoreTrustRoot.fromClientTrustConfig(
              sigstore.trustConfig.getBytes(StandardCharsets.UTF_8),
              "of ModelTrustRoot '" + name + "' sigstore.trustConfig"));
    } catch (InvalidInputException e) {
      at.add(Kind.TRUST_ROOT_INVALID, e.getMessage());
      return Optional.empty();
    }
  }
}
