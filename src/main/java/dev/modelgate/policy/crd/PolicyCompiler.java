package dev.modelgate.policy.crd;

import dev.modelgate.core.FieldPath;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.SerializationMethod;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.DigestPolicy;
import dev.modelgate.policy.LabelSelector;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.ModelGlob;
import dev.modelgate.policy.OnError;
import dev.modelgate.policy.PolicyMatch;
import dev.modelgate.policy.PolicyRules;
import dev.modelgate.policy.ServingRules;
import dev.modelgate.trust.CertificateIdentity;
import dev.modelgate.trust.CertificateVerifier;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.KeylessIdentity;
import dev.modelgate.trust.PemReader;
import dev.modelgate.trust.SigstoreKeylessVerifier;
import dev.modelgate.trust.SigstoreTrustRoot;
import dev.modelgate.verify.Authority;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerifyOptions;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.CustomResource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns policy and trust-root resources into compiled values, off the request path: PEM parsed,
 * regular expressions and globs compiled, trust roots resolved. Every problem found becomes an
 * error on the compiled policy (reported in its status), never an exception, and never a policy
 * that checks less than it says.
 */
public final class PolicyCompiler {
  private final Supplier<SigstoreTrustRoot> publicGood;

  public PolicyCompiler(Supplier<SigstoreTrustRoot> publicGood) {
    this.publicGood = publicGood;
  }

  /**
   * A compiler whose keyless authorities default to the embedded public-good root, loaded on first
   * use.
   */
  public static PolicyCompiler withEmbeddedPublicGoodRoot() {
    SigstoreTrustRoot[] memo = new SigstoreTrustRoot[1];
    return new PolicyCompiler(
        () -> {
          synchronized (memo) {
            if (memo[0] == null) {
              memo[0] = SigstoreTrustRoot.publicGood();
            }
            return memo[0];
          }
        });
  }

  public TrustMaterial compileTrustRoot(ModelTrustRoot r, String resolvedSigstoreJson) {
    String name = r.getMetadata().getName();
    String label = "ModelTrustRoot '" + name + "'";
    List<CompileError> errors = new ArrayList<>();
    List<X509Certificate> cas = new ArrayList<>();
    Optional<SigstoreTrustRoot> sigstore = Optional.empty();
    ModelTrustRootSpec spec = r.getSpec();
    if (spec == null || (spec.certificateAuthorities == null && spec.sigstore == null)) {
      errors.add(
          CompileError.at(
              SPEC,
              Kind.FIELD_MISSING,
              label + " has neither certificateAuthorities nor sigstore"));
    } else {
      if (spec.certificateAuthorities != null) {
        try {
          cas.addAll(PemReader.certificates(spec.certificateAuthorities, label));
        } catch (InvalidInputException e) {
          errors.add(
              CompileError.at(
                  SPEC.child("certificateAuthorities"), Kind.PEM_INVALID, e.getMessage()));
        }
      }
      FieldPath at = SPEC.child("sigstore");
      if (spec.sigstore != null && spec.sigstore.trustConfig != null) {
        sigstore = clientTrustConfig(name, spec.sigstore, errors);
      } else if (spec.sigstore != null) {
        boolean inline = spec.sigstore.trustedRoot != null;
        String json = inline ? spec.sigstore.trustedRoot : resolvedSigstoreJson;
        if (json == null || json.isEmpty()) {
          errors.add(
              CompileError.at(
                  at.child("trustedRoot"),
                  Kind.FIELD_MISSING,
                  label + " sigstore has no trustedRoot (inline or resolvable configMapRef)"));
        } else {
          try {
            sigstore =
                Optional.of(
                    SigstoreTrustRoot.fromJson(json.getBytes(StandardCharsets.UTF_8), label));
          } catch (InvalidInputException e) {
            errors.add(
                CompileError.at(
                    at.child(inline ? "trustedRoot" : "configMapRef"),
                    Kind.TRUST_ROOT_INVALID,
                    e.getMessage()));
          }
        }
      }
    }
    return new TrustMaterial(name, cas, sigstore, errors, PolicyYaml.of(r));
  }

  private static final FieldPath SPEC = FieldPath.of("spec");

  /** {@code sigstore.trustConfig}: the only trust source of this root, or the root is in error. */
  private static Optional<SigstoreTrustRoot> clientTrustConfig(
      String name, ModelTrustRootSpec.Sigstore sigstore, List<CompileError> errors) {
    FieldPath at = SPEC.child("sigstore").child("trustConfig");
    if (sigstore.trustedRoot != null || sigstore.configMapRef != null) {
      errors.add(
          CompileError.at(
              at,
              Kind.FIELD_CONFLICT,
              "ModelTrustRoot '"
                  + name
                  + "' sigstore has trustConfig and "
                  + (sigstore.trustedRoot != null ? "trustedRoot" : "configMapRef")
                  + "; give one"));
      return Optional.empty();
    }
    try {
      return Optional.of(
          SigstoreTrustRoot.fromClientTrustConfig(
              sigstore.trustConfig.getBytes(StandardCharsets.UTF_8),
              "of ModelTrustRoot '" + name + "' sigstore.trustConfig"));
    } catch (InvalidInputException e) {
      errors.add(CompileError.at(at, Kind.TRUST_ROOT_INVALID, e.getMessage()));
      return Optional.empty();
    }
  }

  public CompiledPolicy compile(
      CustomResource<ModelPolicySpec, PolicyStatus> resource, Map<String, TrustMaterial> roots) {
    String kind = resource.getKind();
    boolean cluster = resource instanceof ClusterModelPolicy;
    String ns = cluster ? "" : nullToEmpty(resource.getMetadata().getNamespace());
    String name = resource.getMetadata().getName();
    ModelPolicySpec spec = resource.getSpec();
    List<CompileError> errors = new ArrayList<>();
    if (spec == null) {
      return CompiledPolicy.broken(
          kind,
          ns,
          name,
          PolicyMatch.EVERYTHING,
          List.of(CompileError.at(SPEC, Kind.FIELD_MISSING, "the policy has no spec")));
    }
    if (!cluster && ns.isEmpty()) {
      // An empty namespace means "every namespace" to CompiledPolicy.appliesIn; a ModelPolicy must
      // never get that reach (the API server always sets it; a policy file may forget it).
      errors.add(
          CompileError.at(
              "metadata.namespace",
              Kind.FIELD_MISSING,
              "a ModelPolicy needs a namespace; use a ClusterModelPolicy to match every namespace"));
    }
    List<CompileError> matchErrors = new ArrayList<>();
    PolicyMatch match = match(spec.match, cluster, matchErrors);
    errors.addAll(matchErrors);
    List<Authority> authorities = authorities(spec.authorities, roots, errors);
    int threshold =
        spec.signatures == null || spec.signatures.threshold == null
            ? 1
            : spec.signatures.threshold;
    if (!authorities.isEmpty() && (threshold < 1 || threshold > authorities.size())) {
      errors.add(
          CompileError.at(
              SPEC.child("signatures").child("threshold"),
              Kind.VALUE_INVALID,
              "is "
                  + threshold
                  + ", but must be from 1 to the number of authorities ("
                  + authorities.size()
                  + ")"));
    }
    VerifyOptions options = options(spec.verification, errors);
    PolicyRules rules = PolicyRulesCompiler.compile(spec, authorities, errors);
    ServingRules serving =
        ServingRulesCompiler.compile(
            spec, kind + "/" + (ns.isEmpty() ? "" : ns + "/") + name, errors);
    if (!errors.isEmpty() || authorities.isEmpty()) {
      if (errors.isEmpty()) {
        errors.add(
            CompileError.at(
                SPEC.child("authorities"), Kind.FIELD_MISSING, "the policy lists no authorities"));
      }
      // A broken policy denies what it matches; when its match itself is broken, that is
      // everything.
      return CompiledPolicy.broken(
          kind,
          ns,
          name,
          matchErrors.isEmpty() ? match : PolicyMatch.EVERYTHING,
          Boolean.TRUE.equals(spec.requireModels),
          errors);
    }
    Mode mode =
        spec.mode == null ? Mode.ENFORCE : Mode.valueOf(spec.mode.name().toUpperCase(Locale.ROOT));
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    String document = PolicyYaml.document(resource, spec, roots);
    // Cached verdicts are for this content: the policy, and the trust roots it names, as compiled.
    String identity =
        kind
            + "/"
            + (ns.isEmpty() ? "" : ns + "/")
            + name
            + "@"
            + generation
            + "#"
            + sha256(document);
    return new CompiledPolicy(
        kind,
        ns,
        name,
        nullToEmpty(resource.getMetadata().getUid()),
        generation,
        mode,
        match,
        Optional.of(new VerificationPolicy(authorities, threshold, options, identity)),
        spec.digest == null
            ? DigestPolicy.MUTATE
            : DigestPolicy.valueOf(
                spec.digest.name().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)),
        spec.onError == ModelPolicySpec.OnError.Allow ? OnError.ALLOW : OnError.DENY,
        spec.verification != null && Boolean.TRUE.equals(spec.verification.requireReadOnlyMounts),
        Boolean.TRUE.equals(spec.requireModels),
        rules,
        document,
        List.of(),
        serving);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static PolicyMatch match(
      ModelPolicySpec.Match m, boolean cluster, List<CompileError> errors) {
    if (m == null) {
      return PolicyMatch.EVERYTHING;
    }
    FieldPath at = SPEC.child("match");
    if (!cluster && m.namespaceSelector != null) {
      errors.add(
          CompileError.at(
              at.child("namespaceSelector"),
              Kind.FIELD_CONFLICT,
              "is only allowed in a ClusterModelPolicy; a ModelPolicy applies in its own namespace"));
    }
    LabelSelector ns = selector(m.namespaceSelector, at.child("namespaceSelector"), errors);
    LabelSelector wl = selector(m.workloadSelector, at.child("workloadSelector"), errors);
    List<ModelGlob> globs = globs(m.models, at.child("models"), errors);
    return new PolicyMatch(ns, wl, globs);
  }

  /** Each pattern compiled, or a GLOB_INVALID error at its index. */
  static List<ModelGlob> globs(List<String> patterns, FieldPath at, List<CompileError> errors) {
    List<ModelGlob> out = new ArrayList<>();
    for (int i = 0; patterns != null && i < patterns.size(); i++) {
      try {
        out.add(ModelGlob.compile(patterns.get(i)));
      } catch (IllegalArgumentException e) {
        errors.add(CompileError.at(at.index(i), Kind.GLOB_INVALID, e.getMessage()));
      }
    }
    return out;
  }

  static LabelSelector selector(
      io.fabric8.kubernetes.api.model.LabelSelector s, FieldPath at, List<CompileError> errors) {
    if (s == null) {
      return LabelSelector.ALL;
    }
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    List<LabelSelectorRequirement> expressions =
        s.getMatchExpressions() == null ? List.of() : s.getMatchExpressions();
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement r = expressions.get(i);
      FieldPath here = at.child("matchExpressions").index(i);
      Optional<LabelSelector.Operator> op = operator(r.getOperator());
      if (r.getKey() == null || r.getKey().isEmpty()) {
        errors.add(
            CompileError.at(here.child("key"), Kind.FIELD_MISSING, "a requirement needs a key"));
      } else if (op.isEmpty()) {
        errors.add(
            CompileError.at(
                here.child("operator"),
                Kind.SELECTOR_INVALID,
                "unknown operator '" + r.getOperator() + "' (In, NotIn, Exists, DoesNotExist)"));
      } else {
        try {
          reqs.add(
              new LabelSelector.Requirement(
                  r.getKey(),
                  op.get(),
                  r.getValues() == null ? Set.of() : new HashSet<>(r.getValues())));
        } catch (IllegalArgumentException e) {
          errors.add(CompileError.at(here, Kind.SELECTOR_INVALID, e.getMessage()));
        }
      }
    }
    return new LabelSelector(s.getMatchLabels() == null ? Map.of() : s.getMatchLabels(), reqs);
  }

  /** The operators Kubernetes defines for label selectors, spelt as it spells them. */
  private static Optional<LabelSelector.Operator> operator(String name) {
    if (name == null) {
      return Optional.empty();
    }
    switch (name) {
      case "In":
        return Optional.of(LabelSelector.Operator.IN);
      case "NotIn":
        return Optional.of(LabelSelector.Operator.NOT_IN);
      case "Exists":
        return Optional.of(LabelSelector.Operator.EXISTS);
      case "DoesNotExist":
        return Optional.of(LabelSelector.Operator.DOES_NOT_EXIST);
      default:
        return Optional.empty();
    }
  }

  private List<Authority> authorities(
      List<ModelPolicySpec.Authority> specs,
      Map<String, TrustMaterial> roots,
      List<CompileError> errors) {
    List<Authority> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; specs != null && i < specs.size(); i++) {
      ModelPolicySpec.Authority a = specs.get(i);
      FieldPath at = SPEC.child("authorities").index(i);
      if (a.name == null || a.name.isBlank()) {
        errors.add(
            CompileError.at(at.child("name"), Kind.FIELD_MISSING, "an authority needs a name"));
        continue;
      }
      String label = "authority '" + a.name + "'";
      if (!names.add(a.name)) {
        errors.add(
            CompileError.at(
                at.child("name"), Kind.NAME_DUPLICATE, "'" + a.name + "' names two authorities"));
      }
      int methods =
          (a.key == null ? 0 : 1) + (a.certificate == null ? 0 : 1) + (a.keyless == null ? 0 : 1);
      if (methods != 1) {
        errors.add(
            CompileError.at(
                at,
                methods == 0 ? Kind.FIELD_MISSING : Kind.FIELD_CONFLICT,
                label
                    + " must have exactly one of key, certificate, keyless (has "
                    + methods
                    + ")"));
        continue;
      }
      Optional<Authority> compiled;
      if (a.key != null) {
        compiled = key(a, at.child("key"), errors);
      } else if (a.certificate != null) {
        compiled = certificate(a, roots, at.child("certificate"), errors);
      } else {
        compiled = keyless(a, roots, at.child("keyless"), errors);
      }
      compiled.ifPresent(out::add);
    }
    return out;
  }

  private static Optional<Authority> key(
      ModelPolicySpec.Authority a, FieldPath at, List<CompileError> errors) {
    FieldPath pem = at.child("publicKey");
    if (a.key.publicKey == null) {
      errors.add(
          CompileError.at(pem, Kind.FIELD_MISSING, "authority '" + a.name + "' has no publicKey"));
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Authority(
              a.name,
              new KeyVerifier(
                  PemReader.publicKey(a.key.publicKey, "authority '" + a.name + "' key"))));
    } catch (InvalidInputException e) {
      errors.add(CompileError.at(pem, Kind.PEM_INVALID, e.getMessage()));
      return Optional.empty();
    }
  }

  private static Optional<Authority> certificate(
      ModelPolicySpec.Authority a,
      Map<String, TrustMaterial> roots,
      FieldPath at,
      List<CompileError> errors) {
    Optional<TrustMaterial> root = root(roots, a.certificate.trustRootRef, at, errors);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    TrustMaterial t = root.get();
    if (t.certificateAuthorities().isEmpty()) {
      errors.add(
          CompileError.at(
              at.child("trustRootRef"),
              Kind.TRUST_ROOT_INVALID,
              "ModelTrustRoot '" + t.name() + "' has no certificateAuthorities"));
      return Optional.empty();
    }
    String subject = nullToEmpty(a.certificate.subjectRegExp);
    String san = nullToEmpty(a.certificate.sanRegExp);
    // Both expressions are checked (no short circuit), so both errors are reported.
    boolean ok =
        regex(subject, "subject", at.child("subjectRegExp"), errors)
            & regex(san, "SAN", at.child("sanRegExp"), errors);
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
      errors.add(CompileError.at(at, Kind.VALUE_INVALID, e.getMessage()));
      return Optional.empty();
    }
  }

  /** The keyless verifier, or empty when a problem was added to {@code errors}. */
  private Optional<Authority> keyless(
      ModelPolicySpec.Authority a,
      Map<String, TrustMaterial> roots,
      FieldPath at,
      List<CompileError> errors) {
    ModelPolicySpec.KeylessAuthority k = a.keyless;
    SigstoreTrustRoot root;
    if (k.trustRootRef == null) {
      root = publicGood.get();
    } else {
      Optional<TrustMaterial> t = root(roots, k.trustRootRef, at, errors);
      if (t.isEmpty()) {
        return Optional.empty();
      }
      if (t.get().sigstore().isEmpty()) {
        errors.add(
            CompileError.at(
                at.child("trustRootRef"),
                Kind.TRUST_ROOT_INVALID,
                "ModelTrustRoot '" + t.get().name() + "' has no sigstore trusted root"));
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
      FieldPath here = at.child("identities").index(j);
      boolean regexes =
          regex(nullToEmpty(i.issuerRegExp), "issuer", here.child("issuerRegExp"), errors)
              & regex(nullToEmpty(i.subjectRegExp), "subject", here.child("subjectRegExp"), errors);
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
        errors.add(CompileError.at(here, Kind.FIELD_CONFLICT, e.getMessage()));
        ok = false;
      }
    }
    if (!ok) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Authority(a.name, new SigstoreKeylessVerifier(root, ids)));
    } catch (InvalidInputException e) {
      errors.add(CompileError.at(at, Kind.VALUE_INVALID, e.getMessage()));
      return Optional.empty();
    }
  }

  /** True when {@code regex} compiles ("" is no constraint); else a REGEX_INVALID error. */
  private static boolean regex(String regex, String what, FieldPath at, List<CompileError> errors) {
    try {
      CertificateIdentity.requireRegex(regex, what);
      return true;
    } catch (InvalidInputException e) {
      errors.add(CompileError.at(at, Kind.REGEX_INVALID, e.getMessage()));
      return false;
    }
  }

  /** The usable trust root {@code ref} names ({@code at.trustRootRef}), or an error. */
  private static Optional<TrustMaterial> root(
      Map<String, TrustMaterial> roots, String ref, FieldPath at, List<CompileError> errors) {
    FieldPath field = at.child("trustRootRef");
    if (ref == null || ref.isBlank()) {
      errors.add(CompileError.at(field, Kind.FIELD_MISSING, "names no ModelTrustRoot (empty)"));
      return Optional.empty();
    }
    TrustMaterial t = roots.get(ref);
    if (t == null) {
      errors.add(
          CompileError.at(field, Kind.TRUST_ROOT_UNKNOWN, "'" + ref + "' names no ModelTrustRoot"));
      return Optional.empty();
    }
    if (!t.errors().isEmpty()) {
      errors.add(
          CompileError.at(
              field,
              Kind.TRUST_ROOT_INVALID,
              "ModelTrustRoot '" + ref + "' is invalid: " + CompileError.summary(t.errors())));
      return Optional.empty();
    }
    return Optional.of(t);
  }

  private static VerifyOptions options(ModelPolicySpec.Verification v, List<CompileError> errors) {
    if (v == null) {
      return VerifyOptions.DEFAULTS;
    }
    FieldPath at = SPEC.child("verification");
    List<RelativePath> ignore = new ArrayList<>();
    for (int i = 0; v.ignorePaths != null && i < v.ignorePaths.size(); i++) {
      try {
        ignore.add(RelativePath.parse(v.ignorePaths.get(i)));
      } catch (InvalidInputException e) {
        errors.add(
            CompileError.at(at.child("ignorePaths").index(i), Kind.PATH_INVALID, e.getMessage()));
      }
    }
    long download = 0;
    if (Boolean.TRUE.equals(v.allowLayerDownload)) {
      download = v.maxLayerDownloadBytes == null ? 2L << 30 : v.maxLayerDownloadBytes;
      if (download < 1) {
        errors.add(
            CompileError.at(
                at.child("maxLayerDownloadBytes"),
                Kind.VALUE_INVALID,
                "must be positive, not " + download));
        download = 0;
      }
    }
    String modelPath = v.imageModelPath == null ? "/models" : v.imageModelPath;
    String problem = VerifyOptions.imageModelPathProblem(modelPath);
    if (problem != null) {
      errors.add(CompileError.at(at.child("imageModelPath"), Kind.PATH_INVALID, problem));
      modelPath = "/models";
    }
    Set<SerializationMethod> methods = new HashSet<>();
    if (v.serializations != null) {
      for (int i = 0; i < v.serializations.size(); i++) {
        String name = v.serializations.get(i);
        Optional<SerializationMethod> m =
            Arrays.stream(SerializationMethod.values())
                .filter(x -> x.omsName().equals(name))
                .findFirst();
        if (m.isPresent()) {
          methods.add(m.get());
        } else {
          errors.add(
              CompileError.at(
                  at.child("serializations").index(i),
                  Kind.VALUE_INVALID,
                  "'" + name + "' is not an OMS serialization (files, shards)"));
        }
      }
      if (v.serializations.isEmpty()) {
        errors.add(
            CompileError.at(
                at.child("serializations"),
                Kind.VALUE_INVALID,
                "is empty; omit it to accept both files and shards"));
      }
    }
    return new VerifyOptions(
            ignore,
            Boolean.TRUE.equals(v.ignoreUnsignedFiles),
            Boolean.TRUE.equals(v.allowSymlinks),
            true,
            download,
            modelPath)
        .withSerializations(methods);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
