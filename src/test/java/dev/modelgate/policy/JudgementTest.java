package dev.modelgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import dev.modelgate.testing.DerivedModels;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationRequest;
import dev.modelgate.verify.VerificationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one decision, for every combination of mode, threshold, lineage and onError, on real signed
 * models and real provenance attestations: a verdict passes only when the threshold is met and the
 * lineage (when required) holds; only a failure that is entirely UNAVAILABLE is waived by {@code
 * onError: Allow}; otherwise Enforce denies, Warn warns and Audit records.
 */
class JudgementTest {
  /** How the signers of the model meet the policy's threshold. */
  enum Threshold {
    /** One authority of one, and it signed. */
    MET,
    /** Two of two required; one bundle counts for one authority only. */
    UNMET,
    /** Verification did not answer in time. */
    UNANSWERED
  }

  /** The policy's lineage clause and what the model's provenance gives it. */
  enum Lineage {
    /** No lineage clause. */
    NONE,
    /** Provenance names a base signed by the vendor with the digest it has. */
    HOLDS,
    /** Provenance names a base whose digest is not the one it was derived from. */
    FAILS,
    /** Provenance names a base in a registry that does not answer. */
    UNAVAILABLE
  }

  @TempDir static Path tmp;
  static Path releasePub;
  static Path vendorPub;
  static Path otherPub;
  static final ExecutorService THREADS = Executors.newCachedThreadPool();
  static Judgement judgement;
  static ModelVerifier verifier;

  /** The fine-tuned model for each lineage case (NONE uses the HOLDS model: no clause reads it). */
  static Path holds;

  static Path fails;
  static Path unavailable;

  @BeforeAll
  static void models() {
    KeyPair release = TestKeys.ec("secp256r1");
    KeyPair vendor = TestKeys.ec("secp256r1");
    releasePub = TestKeys.writePem(tmp.resolve("release.pub"), release.getPublic());
    vendorPub = TestKeys.writePem(tmp.resolve("vendor.pub"), vendor.getPublic());
    otherPub = TestKeys.writePem(tmp.resolve("other.pub"), TestKeys.ec("secp256r1").getPublic());
    Path releaseKey = TestKeys.writePem(tmp.resolve("release.key"), release.getPrivate());
    Path vendorKey = TestKeys.writePem(tmp.resolve("vendor.key"), vendor.getPrivate());
    Path base = DerivedModels.signed(tmp, "base", "base weights", vendorKey);
    String baseDigest = DerivedModels.digestHex(base);
    holds = DerivedModels.signed(tmp, "holds", "tuned weights 1", releaseKey);
    DerivedModels.derivedFrom(holds, releaseKey, "file://" + base, baseDigest);
    fails = DerivedModels.signed(tmp, "fails", "tuned weights 2", releaseKey);
    DerivedModels.derivedFrom(fails, releaseKey, "file://" + base, "0".repeat(64));
    unavailable = DerivedModels.signed(tmp, "unavailable", "tuned weights 3", releaseKey);
    // Port 9 (discard) on loopback: nothing listens, the registry cannot be reached.
    DerivedModels.derivedFrom(
        unavailable, releaseKey, "oci://127.0.0.1:9/models/base:1", baseDigest);
    verifier = new ModelVerifier(ModelHasher.allCores());
    judgement =
        new Judgement(
            new ModelVerificationService(
                verifier,
                THREADS,
                true,
                new OciModelVerifier(
                    new RegistryClient(RegistryCredentials.NONE, Set.of()), verifier)));
  }

  @AfterAll
  static void stop() {
    THREADS.shutdownNow();
  }

  static String pem(Path p) {
    try {
      return Files.readString(p).strip().replace("\n", "\n          ");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The policy of one combination, compiled as the webhook and the verifier compile it. */
  static CompiledPolicy policy(Mode mode, Threshold t, Lineage l, OnError onError) {
    String yaml =
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata:\n  name: combo\nspec:\n"
            + "  mode: "
            + (mode == Mode.ENFORCE ? "Enforce" : mode == Mode.WARN ? "Warn" : "Audit")
            + "\n  onError: "
            + (onError == OnError.ALLOW ? "Allow" : "Deny")
            + "\n  match:\n    models: [\"**\"]\n  authorities:\n"
            + "    - name: release\n      key:\n        publicKey: |\n          "
            + pem(releasePub)
            + "\n    - name: vendor\n      key:\n        publicKey: |\n          "
            + pem(vendorPub)
            + "\n"
            + (t == Threshold.UNMET
                ? "    - name: other\n      key:\n        publicKey: |\n          "
                    + pem(otherPub)
                    + "\n  signatures: {threshold: 2}\n"
                : "  signatures: {threshold: 1}\n")
            + (l == Lineage.NONE ? "" : "  lineage: {maxDepth: 2, authorities: [vendor]}\n");
    List<CompiledPolicy> compiled =
        DirectoryPolicyStore.compileAll(
            PolicyDocuments.parse(yaml, "combo.yaml"), PolicyCompiler.withEmbeddedPublicGoodRoot());
    assertThat(compiled).singleElement().matches(CompiledPolicy::ready, "compiles");
    return compiled.get(0);
  }

  static Stream<Arguments> combinations() {
    List<Arguments> out = new ArrayList<>();
    for (Mode m : Mode.values()) {
      for (Threshold t : Threshold.values()) {
        for (Lineage l : Lineage.values()) {
          for (OnError e : OnError.values()) {
            out.add(Arguments.of(m, t, l, e));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} threshold {1} lineage {2} onError {3}")
  @MethodSource("combinations")
  void everyCombinationIsJudgedByItsClauses(Mode mode, Threshold t, Lineage l, OnError onError) {
    CompiledPolicy p = policy(mode, t, l, onError);
    Path dir = l == Lineage.FAILS ? fails : l == Lineage.UNAVAILABLE ? unavailable : holds;
    ModelReference model = new ModelReference("tuned", ModelUri.parse("file://" + dir), "", "");
    VerificationResult r = verify(dir, p.verification().orElseThrow(), t);

    ModelVerdict v = judgement.verdict(model, p, r, Instant.now().plusSeconds(20));
    Judgement.Effect effect = Judgement.effect(v, p.onError());

    boolean verified = t == Threshold.MET;
    boolean passes = verified && (l == Lineage.NONE || l == Lineage.HOLDS);
    assertThat(v.passed()).as(v.failures().toString()).isEqualTo(passes);
    assertThat(v.mode()).isEqualTo(mode);
    if (!passes) {
      Reason expected =
          t == Threshold.UNANSWERED
              ? Reason.UNAVAILABLE
              : t == Threshold.UNMET
                  ? v.failures().get(0).reason()
                  : l == Lineage.FAILS ? Reason.LINEAGE_INVALID : Reason.UNAVAILABLE;
      assertThat(v.failures()).extracting(Failure::reason).contains(expected);
      if (t == Threshold.UNMET) {
        assertThat(v.failures().get(0).message()).contains("2");
      }
    }
    if (verified && l == Lineage.HOLDS) {
      assertThat(v.lineage()).singleElement().asString().startsWith("depth 1: file://");
    }
    boolean onlyUnanswered =
        !passes && v.failures().stream().allMatch(f -> f.reason() == Reason.UNAVAILABLE);
    assertThat(onlyUnanswered)
        .isEqualTo(t == Threshold.UNANSWERED || (verified && l == Lineage.UNAVAILABLE));
    Judgement.Effect expected =
        passes
            ? Judgement.Effect.PASS
            : onlyUnanswered && onError == OnError.ALLOW
                ? Judgement.Effect.WAIVED
                : mode == Mode.ENFORCE
                    ? Judgement.Effect.DENY
                    : mode == Mode.WARN ? Judgement.Effect.WARN : Judgement.Effect.RECORD;
    assertThat(effect).isEqualTo(expected);
    assertThat(effect.admits()).isEqualTo(expected != Judgement.Effect.DENY);
  }

  /** The verification step both sides run before judging (real hashing and signatures). */
  private static VerificationResult verify(Path dir, VerificationPolicy vp, Threshold t) {
    if (t == Threshold.UNANSWERED) {
      return VerificationResult.failed(
          dir.toString(),
          List.of(Failure.of(Reason.UNAVAILABLE, "timed out before verification completed")));
    }
    VerificationRequest request =
        new VerificationRequest(
            dir, VerificationRequest.defaultSignature(dir), vp.options(), HashProgress.NONE);
    return ModelVerificationService.withLocalAttestations(
        verifier, dir, verifier.verify(request, vp), vp);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void aPolicyThatDoesNotCompileDeniesInEveryMode(Mode ignored) {
    CompiledPolicy broken =
        CompiledPolicy.broken(
            "ClusterModelPolicy",
            "",
            "broken",
            PolicyMatch.EVERYTHING,
            List.of(CompileError.unreadable("spec.mode: unknown mode")));
    ModelReference model = new ModelReference("m", ModelUri.parse("pvc://models/m"), "", "");

    ModelVerdict v =
        judgement.verdict(
            model,
            broken,
            VerificationResult.failed("m", List.of(Failure.of(Reason.UNAVAILABLE, "x"))),
            Instant.now());

    assertThat(v.failures()).extracting(Failure::reason).containsExactly(Reason.POLICY_INVALID);
    assertThat(Judgement.effect(v, OnError.ALLOW)).isEqualTo(Judgement.Effect.DENY);
  }

  static Stream<Mode> modes() {
    return Stream.of(Mode.values());
  }
}
