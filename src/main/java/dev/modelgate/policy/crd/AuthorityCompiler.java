package dev.modelgate.policy.crd;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.trust.CertificateIdentity;
import dev.modelgate.trust.CertificateVerifier;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.KeylessIdentity;
import dev.modelgate.trust.PemReader;
import dev.modelgate.trust.SigstoreKeylessVerifier;
import dev.modelgate.trust.SigstoreTrustRoot;
import dev.modelgate.verify.Authority;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compiles {@code spec.authorities}: each one a key, a certificate chain to a ModelTrustRoot's
 * authorities, or a keyless identity under a Sigstore root (the named one, or public-good). An
 * authority with a problem is left out and the problem reported at its field.
 */
final class AuthorityCompiler {
  private final Supplier<SigstoreTrustRoot> publicGood;
  private final Map<String, TrustMaterial> roots;

  AuthorityCompiler(Supplier<SigstoreTrustRoot> publicGood, Map<String, TrustMaterial> roots) {
    this.publicGood = publicGood;
    this.roots = roots;
  }

  /** {@code spec.authorities}; {@code at} is its scope. */
  List<Authority> compile(List<ModelPolicySpec.Authority> specs, CompileErrors at) {
    List<Authority> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; specs != null && i < specs.size(); i++) {
      ModelPolicySpec.Authority a = specs.get(i);
      CompileErrors here = at.at(i);
      if (a.name == null || a.name.isBlank()) {
        here.at("name").add(Kind.FIELD_MISSING, "an authority needs a name");
        continue;
      }
      if (!names.add(a.name)) {
        here.at("name").add(Kind.NAME_DUPLICATE, "'" + a.name + "' names two authorities");
      }
      int methods =
          (a.key == null ? 0 : 1) + (a.certificate == null ? 0 : 1) + (a.keyless == null ? 0 : 1);
      if (methods != 1) {
        here.add(
            methods == 0 ? Kind.FIELD_MISSING : Kind.FIELD_CONFLICT,
            "authority '"
                + a.name
                + "' must have exactly one of key, certificate, keyless (has "
                + methods
                + ")");
        continue;
      }
      Optional<Authority> compiled;
      if (a.key != null) {
        compiled = key(a, here.at("key"));
      } else if (a.certificate != null) {
        compiled = certificate(a, here.at("certificate"));
      } else {
        compiled = keyless(a, here.at("keyless"));
      }
      compiled.ifPresent(out::add);
    }
    return out;
  }

  private static Optional<Authority> key(ModelPolicySpec.Authority a, CompileErrors at) {
    CompileErrors pem = at.at("publicKey");
    if (a.key.publicKey == null) {
      pem.add(Kind.FIELD_MISSING, "authority '" + a.name + "' has no publicKey");
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Authority(
              a.name,
              new KeyVerifier(
                  PemReader.publicKey(a.key.publicKey, "authority '" + a.name + "' key"))));
    } catch (InvalidInputException e) {
      pem.add(Kind.PEM_INVALID, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<Authority> certificate(ModelPolicySpec.Authority a, CompileErrors at) {
    Optional<TrustMaterial> root = root(a.certificate.trustRootRef, at.at("trustRootRef"));
    if (root.isEmpty()) {
      return Optional.empty();
    }
    TrustMaterial t = root.get();
    if (t.certificateAuthorities().isEmpty()) {
      at.at("trustRootRef")
          .add(
              Kind.TRUST_ROOT_INVALID,
              "ModelTrustRoot '" + t.name() + "' has no certificateAuthorities");
      return Optional.empty();
    }
    String subject = nullToEmpty(a.certificate.subjectRegExp);
    String san = nullToEmpty(a.certificate.sanRegExp);
    // Both expressions are checked (no short circuit), so both errors are reported.
    boolean ok =
        regex(subject, "subject", at.at("subjectRegExp")) & regex(san, "SAN", at.at("sanRegExp"));
    if (!ok) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Authority(
              a.name,
              new CertificateVerifier(
                  t.certificateAuthorities(), new CertificateIdentity(subject, san))));
    } catch (InvalidInputException e) {
      at.add(Kind.VALUE_INVALID, e.getMessage());
      return Optional.empty();
    }
  }

  /** The keyless verifier, or empty when a problem was reported. */
  private Optional<Authority> keyless(ModelPolicySpec.Authority a, CompileErrors at) {
    ModelPolicySpec.KeylessAuthority k = a.keyless;
    SigstoreTrustRoot root;
    if (k.trustRootRef == null) {
      root = publicGood.get();
    } else {
      Optional<TrustMaterial> t = root(k.trustRootRef, at.at("trustRootRef"));
      if (t.isEmpty()) {
        return Optional.empty();
      }
      if (t.get().sigstore().isEmpty()) {
        at.at("trustRootRef")
            .add(
                Kind.TRUST_ROOT_INVALID,
                "ModelTrustRoot '" + t.get().name() + "' has no sigstore trusted root");
        return Optional.empty();
      }
      root = t.get().sigstore().get();
    }
    List<KeylessIdentity> ids = new ArrayList<>();
    List<ModelPolicySpec.Identity> given =
        k.identities == null ? List.<ModelPolicySpec.Identity>of() : k.identities;
    boolean ok = true;
    for (int j = 0; j < given.size(); j++) {
      ModelPolicySpec.Identity i = given.get(j);
      CompileErrors here = at.at("identities").at(j);
      boolean regexes =
          regex(nullToEmpty(i.issuerRegExp), "issuer", here.at("issuerRegExp"))
              & regex(nullToEmpty(i.subjectRegExp), "subject", here.at("subjectRegExp"));
      if (!regexes) {
        ok = false;
        continue;
      }
      try {
        ids.add(
            new KeylessIdentity(
                nullToEmpty(i.issuer),
                nullToEmpty(i.issuerRegExp),
                nullToEmpty(i.subject),
                nullToEmpty(i.subjectRegExp)));
      } catch (InvalidInputException e) {
        here.add(Kind.FIELD_CONFLICT, e.getMessage());
        ok = false;
      }
    }
    if (!ok) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Authority(a.name, new SigstoreKeylessVerifier(root, ids)));
    } catch (InvalidInputException e) {
      at.add(Kind.VALUE_INVALID, e.getMessage());
      return Optional.empty();
    }
  }

  /** True when {@code regex} compiles ("" is no constraint); else a REGEX_INVALID error. */
  private static boolean regex(String regex, String what, CompileErrors at) {
    try {
      CertificateIdentity.requireRegex(regex, what);
      return true;
    } catch (InvalidInputException e) {
      at.add(Kind.REGEX_INVALID, e.getMessage());
      return false;
    }
  }

  /** The usable trust root {@code ref} names, or an error at {@code at} (its trustRootRef). */
  private Optional<TrustMaterial> root(String ref, CompileErrors at) {
    if (ref == null || ref.isBlank()) {
      at.add(Kind.FIELD_MISSING, "names no ModelTrustRoot (empty)");
      return Optional.empty();
    }
    TrustMaterial t = roots.get(ref);
    if (t == null) {
      at.add(Kind.TRUST_ROOT_UNKNOWN, "'" + ref + "' names no ModelTrustRoot");
      return Optional.empty();
    }
    if (!t.errors().isEmpty()) {
      at.add(
          Kind.TRUST_ROOT_INVALID,
          "ModelTrustRoot '" + ref + "' is invalid: " + CompileError.summary(t.errors()));
      return Optional.empty();
    }
    return Optional.of(t);
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
