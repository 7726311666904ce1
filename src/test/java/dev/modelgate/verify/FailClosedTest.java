package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.trust.SignatureVerifier;
import dev.modelgate.trust.SignerVerdict;
import dev.modelgate.trust.SigningMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exception inside a check is {@code INTERNAL_ERROR}: it denies, {@code onError: Allow} cannot
 * waive it, and the user sees an incident id instead of a stack trace. Only {@code UNAVAILABLE}
 * (something not reached in time) is waivable.
 */
class FailClosedTest {
  @TempDir Path tmp;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("models")));
  }

  /** A signer check with a bug in it: it throws instead of returning a verdict. */
  private static final class ThrowingVerifier implements SignatureVerifier {
    @Override
    public SigningMethod method() {
      return SigningMethod.KEY;
    }

    @Override
    public SignerVerdict verify(SigstoreBundle bundle) {
      throw new IllegalStateException(
          "secret internals at dev.modelgate.trust.Foo.bar(Foo.java:42)");
    }
  }

  private static ExecutorService shutDownPool() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.shutdownNow();
    return pool;
  }

  @Test
  void signerCheckThatThrowsIsAnInternalErrorWithoutItsMessage() {
    VerificationRequest request =
        new VerificationRequest(
            signed.model, signed.signature, VerifyOptions.DEFAULTS, HashProgress.NONE);

    VerificationResult r =
        new ModelVerifier(ModelHasher.allCores()).verify(request, new ThrowingVerifier());

    assertThat(r.verified()).isFalse();
    assertThat(r.failures()).extracting(Failure::reason).containsOnly(Reason.INTERNAL_ERROR);
    assertThat(r.failures().get(0).message())
        .contains("signer check")
        .containsPattern("incident [0-9a-f]{8}")
        .doesNotContain("secret internals", "Foo.java");
  }

  @Test
  void verificationThatCannotStartIsAnInternalErrorNotAnException() {
    ModelVerificationService service =
        new ModelVerificationService(
            new ModelVerifier(ModelHasher.allCores()), shutDownPool(), true);
    ModelReference model =
        new ModelReference("m", ModelUri.parse("file://" + signed.model), "", "test");

    VerificationResult r =
        service.verify(
            model,
            VerificationPolicy.single(new ThrowingVerifier(), VerifyOptions.DEFAULTS),
            Duration.ofSeconds(5));

    assertThat(r.failures()).extracting(Failure::reason).containsOnly(Reason.INTERNAL_ERROR);
    assertThat(r.failures().get(0).message()).doesNotContain("RejectedExecutionException");
  }

  @Test
  void internalErrorDeniesEvenUnderOnErrorAllow() {
    AdmissionHarness harness = new AdmissionHarness(tmp).verificationThreads(shutDownPool());
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "lenient", "Enforce", "**", signed.publicKey, "  onError: Allow\n"));
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm-0\n  namespace: ml\n  annotations:\n    model.modelgate.dev/m: file://"
            + signed.model
            + "\nspec:\n  containers: [{name: server, image: server}]\n";

    AdmissionOutcome o = harness.review(AdmissionHarness.create(pod));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("INTERNAL_ERROR").contains("denied, whatever onError says");
    assertThat(o.warnings()).isEmpty();
  }

  @Test
  void unreachableRegistryUnderOnErrorAllowIsAdmittedWithAWarning() {
    AdmissionHarness harness = new AdmissionHarness(tmp);
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "lenient", "Enforce", "**", signed.publicKey, "  onError: Allow\n"));
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm-0\n  namespace: ml\n  annotations:\n    model.modelgate.dev/m: oci://127.0.0.1:1/models/m:1"
            + "\nspec:\n  containers: [{name: server, image: server}]\n";

    AdmissionOutcome o = harness.review(AdmissionHarness.create(pod));

    assertThat(o.allowed()).isTrue();
    assertThat(o.warnings())
        .singleElement()
        .asString()
        .contains("UNAVAILABLE")
        .contains("admitted unverified: onError Allow");
  }

  @Test
  void onlyUnavailableAndInternalErrorAreUndecided() {
    assertThat(List.of(Reason.values()))
        .filteredOn(Reason::undecided)
        .containsExactlyInAnyOrder(Reason.UNAVAILABLE, Reason.INTERNAL_ERROR);
  }
}
