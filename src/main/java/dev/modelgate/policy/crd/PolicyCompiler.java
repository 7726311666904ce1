package dev.modelgate.policy.crd;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.SerializationMethod;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.DigestPolicy;
import dev.modelgate.policy.LabelSelector;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.ModelGlob;
import dev.modelgate.policy.OnError;
import dev.modelgate.policy.PolicyMatch;
import dev.modelgate.policy.PolicyRules;
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
    List<String> errors = new ArrayList<>();
    List<X509Certificate> cas = new ArrayList<>();
    Optional<SigstoreTrustRoot> sigstore = Optional.empty();
    ModelTrustRootSpec spec = r.getSpec();
    if (spec == null || (spec.certificateAuthorities == null && spec.sigstore == null)) {
      errors.add("ModelTrustRoot '" + name + "' has neither certificateAuthorities nor sigstore");
    } else {
      if (spec.certificateAuthorities != null) {
        try {
          cas.addAll(
              PemReader.certificates(
                  spec.certificateAuthorities,
                  "ModelTrustRoot '" + name + "' certificateAuthorities"));
        } catch (InvalidInputException e) {
          errors.add(e.getMessage());
        }
      }
      if (spec.sigstore != null && spec.sigstore.trustConfig != null) {
        sigstore = clientTrustConfig(name, spec.sigstore, errors);
      } else if (spec.sigstore != null) {
        String json =
            spec.sigstore.trustedRoot != null ? spec.sigstore.trustedRoot : resolvedSigstoreJson;
        if (json == null || json.isEmpty()) {
          errors.add(
              "ModelTrustRoot '"
                  + name
                  + "' sigstore has no trustedRoot (inline or resolvable configMapRef)");
        } else {
          try {
            sigstore =
                Optional.of(
                    SigstoreTrustRoot.fromJson(
                        json.getBytes(StandardCharsets.UTF_8), "ModelTrustRoot '" + name + "'"));
          } catch (InvalidInputException e) {
            errors.add(e.getMessage());
          }
        }
      }
    }
    return new TrustMaterial(name, cas, sigstore, errors, PolicyYaml.of(r));
  }

  /** {@code sigstore.trustConfig}: the only trust source of this root, or the root is in error. */
  private static Optional<SigstoreTrustRoot> clientTrustConfig(
      String name, ModelTrustRootSpec.Sigstore sigstore, List<String> errors) {
    if (sigstore.trustedRoot != null || sigstore.configMapRef != null) {
      errors.add(
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
      errors.add(e.getMessage());
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
    List<String> errors = new ArrayList<>();
    if (spec == null) {
      return CompiledPolicy.broken(
          kind, ns, name, PolicyMatch.EVERYTHING, List.of("policy has no spec"));
    }
    if (!cluster && ns.isEmpty()) {
      // An empty namespace means "every namespace" to CompiledPolicy.appliesIn; a ModelPolicy must
      // never get that reach (the API server always sets it; a policy file may forget it).
      errors.add(
          "a ModelPolicy needs metadata.namespace; use a ClusterModelPolicy to match every namespace");
    }
    List<String> matchErrors = new ArrayList<>();
    PolicyMatch match = match(spec.match, cluster, matchErrors);
    errors.addAll(matchErrors);
    List<Authority> authorities = authorities(spec.authorities, roots, errors);
    int threshold =
        spec.signatures == null || spec.signatures.threshold == null
            ? 1
            : spec.signatures.threshold;
    if (!authorities.isEmpty() && (threshold < 1 || threshold > authorities.size())) {
      errors.add(
          "signatures.threshold is "
              + threshold
              + ", but must be from 1 to the number of authorities ("
              + authorities.size()
              + ")");
    }
    VerifyOptions options = options(spec.verification, errors);
    PolicyRules rules = PolicyRulesCompiler.compile(spec, authorities, errors);
    if (!errors.isEmpty() || authorities.isEmpty()) {
      if (errors.isEmpty()) {
        errors.add("policy lists no authorities");
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
        List.of());
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

  private static PolicyMatch match(ModelPolicySpec.Match m, boolean cluster, List<String> errors) {
    if (m == null) {
      return PolicyMatch.EVERYTHING;
    }
    if (!cluster && m.namespaceSelector != null) {
      errors.add(
          "match.namespaceSelector is only allowed in a ClusterModelPolicy; a ModelPolicy applies in its own namespace");
    }
    LabelSelector ns = selector(m.namespaceSelector, "match.namespaceSelector", errors);
    LabelSelector wl = selector(m.workloadSelector, "match.workloadSelector", errors);
    List<ModelGlob> globs = new ArrayList<>();
    if (m.models != null) {
      for (String g : m.models) {
        try {
          globs.add(ModelGlob.compile(g));
        } catch (IllegalArgumentException e) {
          errors.add("match.models: " + e.getMessage());
        }
      }
    }
    return new PolicyMatch(ns, wl, globs);
  }

  private static LabelSelector selector(
      io.fabric8.kubernetes.api.model.LabelSelector s, String where, List<String> errors) {
    if (s == null) {
      return LabelSelector.ALL;
    }
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    if (s.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : s.getMatchExpressions()) {
        try {
          LabelSelector.Operator op =
              LabelSelector.Operator.valueOf(
                  String.valueOf(r.getOperator())
                      .replaceAll("([a-z])([A-Z])", "$1_$2")
                      .toUpperCase(Locale.ROOT));
          reqs.add(
              new LabelSelector.Requirement(
                  r.getKey(), op, r.getValues() == null ? Set.of() : new HashSet<>(r.getValues())));
        } catch (IllegalArgumentException e) {
          errors.add(
              where
                  + ": "
                  + (e.getMessage().startsWith("No enum")
                      ? "unknown operator '" + r.getOperator() + "'"
                      : e.getMessage()));
        }
      }
    }
    return new LabelSelector(s.getMatchLabels() == null ? Map.of() : s.getMatchLabels(), reqs);
  }

  private List<Authority> authorities(
      List<ModelPolicySpec.Authority> specs,
      Map<String, TrustMaterial> roots,
      List<String> errors) {
    List<Authority> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; specs != null && i < specs.size(); i++) {
      ModelPolicySpec.Authority a = specs.get(i);
      String where = "authorities[" + i + "]" + (a.name == null ? "" : " ('" + a.name + "')");
      if (a.name == null || a.name.isBlank()) {
        errors.add(where + " has no name");
        continue;
      }
      if (!names.add(a.name)) {
        errors.add(where + ": the name is used twice");
      }
      int methods =
          (a.key == null ? 0 : 1) + (a.certificate == null ? 0 : 1) + (a.keyless == null ? 0 : 1);
      if (methods != 1) {
        errors.add(
            where + " must have exactly one of key, certificate, keyless (has " + methods + ")");
        continue;
      }
      try {
        if (a.key != null) {
          if (a.key.publicKey == null) {
            errors.add(where + ".key has no publicKey");
            continue;
          }
          out.add(
              new Authority(
                  a.name,
                  new KeyVerifier(PemReader.publicKey(a.key.publicKey, where + ".key.publicKey"))));
        } else if (a.certificate != null) {
          TrustMaterial t = root(roots, a.certificate.trustRootRef, where + ".certificate", errors);
          if (t == null) {
            continue;
          }
          if (t.certificateAuthorities().isEmpty()) {
            errors.add(
                where
                    + ".certificate: ModelTrustRoot '"
                    + t.name()
                    + "' has no certificateAuthorities");
            continue;
          }
          CertificateIdentity id =
              new CertificateIdentity(
                  nullToEmpty(a.certificate.subjectRegExp), nullToEmpty(a.certificate.sanRegExp));
          out.add(new Authority(a.name, new CertificateVerifier(t.certificateAuthorities(), id)));
        } else {
          SigstoreKeylessVerifier v = keyless(a.keyless, roots, where, errors);
          if (v != null) {
            out.add(new Authority(a.name, v));
          }
        }
      } catch (InvalidInputException e) {
        errors.add(where + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** The keyless verifier, or null when a problem was added to {@code errors}. */
  private SigstoreKeylessVerifier keyless(
      ModelPolicySpec.KeylessAuthority k,
      Map<String, TrustMaterial> roots,
      String where,
      List<String> errors) {
    SigstoreTrustRoot root;
    if (k.trustRootRef == null) {
      root = publicGood.get();
    } else {
      TrustMaterial t = root(roots, k.trustRootRef, where + ".keyless", errors);
      if (t == null) {
        return null;
      }
      if (t.sigstore().isEmpty()) {
        errors.add(
            where + ".keyless: ModelTrustRoot '" + t.name() + "' has no sigstore trusted root");
        return null;
      }
      root = t.sigstore().get();
    }
    List<KeylessIdentity> ids = new ArrayList<>();
    for (ModelPolicySpec.Identity i :
        k.identities == null ? List.<ModelPolicySpec.Identity>of() : k.identities) {
      ids.add(
          new KeylessIdentity(
              nullToEmpty(i.issuer),
              nullToEmpty(i.issuerRegExp),
              nullToEmpty(i.subject),
              nullToEmpty(i.subjectRegExp)));
    }
    return new SigstoreKeylessVerifier(root, ids);
  }

  private static TrustMaterial root(
      Map<String, TrustMaterial> roots, String ref, String where, List<String> errors) {
    if (ref == null || ref.isBlank()) {
      errors.add(where + " has no trustRootRef");
      return null;
    }
    TrustMaterial t = roots.get(ref);
    if (t == null) {
      errors.add(where + ": trustRootRef '" + ref + "' names no ModelTrustRoot");
      return null;
    }
    if (!t.errors().isEmpty()) {
      errors.add(
          where + ": ModelTrustRoot '" + ref + "' is invalid: " + String.join("; ", t.errors()));
      return null;
    }
    return t;
  }

  private static VerifyOptions options(ModelPolicySpec.Verification v, List<String> errors) {
    if (v == null) {
      return VerifyOptions.DEFAULTS;
    }
    List<RelativePath> ignore = new ArrayList<>();
    if (v.ignorePaths != null) {
      for (String p : v.ignorePaths) {
        try {
          ignore.add(RelativePath.parse(p));
        } catch (InvalidInputException e) {
          errors.add("verification.ignorePaths: " + e.getMessage());
        }
      }
    }
    long download = 0;
    if (Boolean.TRUE.equals(v.allowLayerDownload)) {
      download = v.maxLayerDownloadBytes == null ? 2L << 30 : v.maxLayerDownloadBytes;
      if (download < 1) {
        errors.add("verification.maxLayerDownloadBytes must be positive");
        download = 0;
      }
    }
    String modelPath = v.imageModelPath == null ? "/models" : v.imageModelPath;
    String problem = VerifyOptions.imageModelPathProblem(modelPath);
    if (problem != null) {
      errors.add("verification.imageModelPath " + problem);
      modelPath = "/models";
    }
    Set<SerializationMethod> methods = new HashSet<>();
    if (v.serializations != null) {
      for (String name : v.serializations) {
        Optional<SerializationMethod> m =
            Arrays.stream(SerializationMethod.values())
                .filter(x -> x.omsName().equals(name))
                .findFirst();
        if (m.isPresent()) {
          methods.add(m.get());
        } else {
          errors.add(
              "verification.serializations: '"
                  + name
                  + "' is not an OMS serialization (files, shards)");
        }
      }
      if (v.serializations.isEmpty()) {
        errors.add("verification.serializations is empty; omit it to accept both files and shards");
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
