package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifiedAttestation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Follows a verified model's lineage: its provenance (SLSA provenance v1 {@code
 * buildDefinition.resolvedDependencies}, or a {@code modelgate.dev/lineage/v1} attestation's {@code
 * baseModels}), signed by one of the policy's authorities, names each base model by URI ({@code
 * oci://} or {@code file://}) and sha256 digest. Each base is verified against the lineage
 * authorities, must have exactly the digest it was derived from (its OMS root digest, or its OCI
 * manifest digest), and is followed in turn up to {@code maxDepth}; a digest seen twice is a cycle.
 * The model itself must have such provenance; an ancestor without one is a root.
 */
public final class LineageCheck {
  private final ModelVerificationService verifier;

  public LineageCheck(ModelVerificationService verifier) {
    this.verifier = verifier;
  }

  /**
   * Failures, the chain as lines (each ancestor with its digest and signer), and each ancestor that
   * verified with what its verification established (evidence for a bill of materials).
   */
  public record Result(List<Failure> failures, List<String> chain, List<Ancestor> ancestors) {
    public Result {
      failures = List.copyOf(failures);
      chain = List.copyOf(chain);
      ancestors = List.copyOf(ancestors);
    }

    public Result(List<Failure> failures, List<String> chain) {
      this(failures, chain, List.of());
    }
  }

  /**
   * A base model that verified against the lineage authorities and has the digest its child was
   * derived from.
   *
   * @param depth 1 for the model's own base, 2 for that base's base, ...
   * @param digest the digest ({@code sha256:<hex>}) its child's provenance names, which it has
   */
  public record Ancestor(int depth, String uri, String digest, VerificationResult result) {
    public Ancestor {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(result, "result");
    }
  }

  public Result check(LineageRule rule, VerificationResult model, Instant deadline) {
    List<Failure> failures = new ArrayList<>();
    List<String> chain = new ArrayList<>();
    List<Ancestor> ancestors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    model.rootDigest().ifPresent(d -> seen.add(d.toString()));
    model.resolvedDigest().ifPresent(seen::add);
    follow(rule, model, 1, seen, deadline, failures, chain, ancestors);
    return new Result(failures, chain, ancestors);
  }

  private void follow(
      LineageRule rule,
      VerificationResult child,
      int depth,
      Set<String> seen,
      Instant deadline,
      List<Failure> failures,
      List<String> chain,
      List<Ancestor> ancestors) {
    List<Base> bases = bases(child, rule, failures);
    if (bases.isEmpty() && depth == 1 && failures.isEmpty()) {
      // Otherwise a derived model could skip the lineage clause by shipping no provenance.
      failures.add(
          Failure.of(
              Reason.LINEAGE_INVALID,
              "no provenance (%s or %s) signed by a policy authority names the base model this model was derived from",
              LineageRule.SLSA_PROVENANCE,
              LineageRule.MODELGATE_LINEAGE));
    }
    for (Base b : bases) {
      String label = "base model " + b.uri + " (" + b.digest + ")";
      if (seen.contains(b.digest)) {
        failures.add(
            Failure.of(
                Reason.LINEAGE_INVALID,
                "%s: lineage cycle, this digest appears earlier in the chain",
                label));
        continue;
      }
      if (depth > rule.maxDepth()) {
        failures.add(
            Failure.of(
                Reason.LINEAGE_INVALID,
                "%s is deeper than lineage.maxDepth %d",
                label,
                rule.maxDepth()));
        continue;
      }
      seen.add(b.digest);
      ModelUri uri;
      try {
        uri = ModelUri.parse(b.uri);
      } catch (InvalidInputException e) {
        failures.add(Failure.of(Reason.LINEAGE_INVALID, "%s: %s", label, e.getMessage()));
        continue;
      }
      Duration left = Duration.between(Instant.now(), deadline);
      VerificationResult r =
          verifier.verify(new ModelReference("base", uri, "", "lineage"), rule.ancestors(), left);
      if (!r.verified()) {
        for (Failure f : r.failures()) {
          failures.add(
              new Failure(
                  f.reason().undecided() ? f.reason() : Reason.LINEAGE_INVALID,
                  f.subject(),
                  label + ": " + f.message()));
        }
        continue;
      }
      boolean same =
          r.rootDigest().map(d -> d.toString().equals(b.digest)).orElse(false)
              || r.resolvedDigest().map(b.digest::equals).orElse(false);
      if (!same) {
        failures.add(
            Failure.of(
                Reason.LINEAGE_INVALID,
                "%s: provenance says it was derived from %s, but that model now is %s",
                label,
                b.digest,
                r.resolvedDigest().orElse(r.rootDigest().map(Object::toString).orElse("?"))));
        continue;
      }
      chain.add(
          "depth "
              + depth
              + ": "
              + b.uri
              + " "
              + b.digest
              + " signed by "
              + r.signer().map(s -> s.identity()).orElse("?"));
      ancestors.add(new Ancestor(depth, b.uri, b.digest, r));
      follow(rule, r, depth + 1, seen, deadline, failures, chain, ancestors);
    }
  }

  private record Base(String uri, String digest) {}

  /**
   * Base models named by provenance about this model that one of the policy's authorities signed.
   */
  private static List<Base> bases(
      VerificationResult model, LineageRule rule, List<Failure> failures) {
    List<Base> out = new ArrayList<>();
    for (VerifiedAttestation a : model.attestations()) {
      String type = a.predicateType().orElse("");
      boolean provenance =
          type.equals(LineageRule.SLSA_PROVENANCE) || type.equals(LineageRule.MODELGATE_LINEAGE);
      if (!provenance || !a.verified()) {
        continue;
      }
      JsonNode p = a.statement().orElseThrow().predicate();
      JsonNode list =
          type.equals(LineageRule.SLSA_PROVENANCE)
              ? p.path("buildDefinition").path("resolvedDependencies")
              : p.path("baseModels");
      for (JsonNode d : list) {
        String uri = d.path("uri").asText("");
        if (!(uri.startsWith("oci://") || uri.startsWith("file://"))) {
          continue;
        }
        String sha = d.path("digest").path("sha256").asText("");
        if (!sha.matches("[0-9a-f]{64}")) {
          failures.add(
              Failure.of(
                  Reason.LINEAGE_INVALID,
                  "provenance %s names base model %s without a sha256 digest",
                  a.source(),
                  uri));
          continue;
        }
        out.add(new Base(uri, "sha256:" + sha));
      }
    }
    return out;
  }
}
