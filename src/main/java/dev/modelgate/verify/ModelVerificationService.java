package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InternalFailures;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.source.ModelReference;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one question admission asks: does this model satisfy this policy's verification? Answers with
 * a {@link VerificationResult} before the deadline, always: a verification still running when time
 * is up gives an {@link Reason#UNAVAILABLE} failure, never a hang, and an exception nobody foresaw
 * gives {@link Reason#INTERNAL_ERROR}, never a pass or a waivable failure.
 *
 * <p>Models on {@code file://} paths are verified in place when allowed (embedded mode); OCI
 * artifacts through the {@link OciModelVerifier} (which caches verified results). Volume models are
 * verified in the pod by the injected verifier, so they do not come here.
 */
public final class ModelVerificationService {
  private final ModelVerifier verifier;
  private final ExecutorService executor;
  private final boolean allowFileModels;
  private final OciModelVerifier oci;

  public ModelVerificationService(
      ModelVerifier verifier, ExecutorService executor, boolean allowFileModels) {
    this(verifier, executor, allowFileModels, null);
  }

  /**
   * @param oci the OCI verifier, or null when registries are not consulted
   */
  public ModelVerificationService(
      ModelVerifier verifier,
      ExecutorService executor,
      boolean allowFileModels,
      OciModelVerifier oci) {
    this.verifier = verifier;
    this.executor = executor;
    this.allowFileModels = allowFileModels;
    this.oci = oci;
  }

  public VerificationResult verify(
      ModelReference model, VerificationPolicy policy, Duration timeLeft) {
    try {
      return bySource(model, policy, timeLeft);
    } catch (RuntimeException e) {
      return VerificationResult.failed(
          model.uri().toString(),
          List.of(InternalFailures.of("verification of " + model.uri(), e)));
    }
  }

  private VerificationResult bySource(
      ModelReference model, VerificationPolicy policy, Duration timeLeft) {
    String shown = model.uri().toString();
    switch (model.uri().scheme()) {
      case FILE:
        if (!allowFileModels) {
          return unsupported(
              shown,
              model,
              "file:// models are read only by a webhook in embedded mode; elsewhere ModelGate does not read its own file system for workloads");
        }
        return withDeadline(model, policy, timeLeft);
      case OCI:
        if (oci == null) {
          return unsupported(
              shown,
              model,
              "OCI model artifacts are not verified by this server (no registry access configured)");
        }
        if (!model.signaturePath().isEmpty()) {
          // A path names a file next to a model directory; an OCI model has none, and ignoring
          // the annotation would verify something other than what the workload asked for.
          return VerificationResult.failed(
              shown,
              List.of(
                  Failure.of(
                      Reason.MODEL_REFERENCE_INVALID,
                      "annotation signature.modelgate.dev/%s names the file '%s', but model '%s' is in a registry, where ModelGate reads its signatures (referrers, the sha256-<hex> and sha256-<hex>.sig tags, a model.sig layer): attach the bundle to the model's manifest there (rh-model-signing, or oras attach) and remove the annotation",
                      model.name(),
                      model.signaturePath(),
                      model.name())));
        }
        try {
          OciReference ref = OciReference.parse(model.uri().location());
          return oci.verify(ref, policy, Instant.now().plus(timeLeft), model.access());
        } catch (InvalidInputException e) {
          return VerificationResult.failed(shown, List.of(e.toFailure()));
        }
      case PVC:
      case VOLUME:
        return unsupported(
            shown,
            model,
            model.uri().scheme().prefix()
                + " models are verified in the pod by the injected verifier init container, not by this call");
      default:
        return unsupported(shown, model, "unknown model source");
    }
  }

  private VerificationResult withDeadline(
      ModelReference model, VerificationPolicy policy, Duration timeLeft) {
    Path dir = Path.of(model.uri().path());
    Path signature;
    try {
      signature = signature(dir, model.signaturePath());
    } catch (InvalidInputException e) {
      return VerificationResult.failed(dir.toString(), List.of(e.toFailure()));
    }
    VerificationRequest request =
        new VerificationRequest(dir, signature, policy.options(), HashProgress.NONE);
    Future<VerificationResult> f =
        executor.submit(
            () -> withLocalAttestations(verifier, dir, verifier.verify(request, policy), policy));
    try {
      return f.get(Math.max(1, timeLeft.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return VerificationResult.failed(
          dir.toString(),
          List.of(
              Failure.of(
                  Reason.UNAVAILABLE,
                  "timed out after %d ms before verification completed",
                  timeLeft.toMillis())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return VerificationResult.failed(
          dir.toString(),
          List.of(Failure.of(Reason.UNAVAILABLE, "interrupted before verification completed")));
    } catch (ExecutionException e) {
      return VerificationResult.failed(
          dir.toString(), List.of(InternalFailures.of("verification", e.getCause())));
    }
  }

  /**
   * Attestations next to a verified model ({@link LocalAttestations}), checked by {@code verifier}
   * against the policy's authorities.
   */
  public static VerificationResult withLocalAttestations(
      ModelVerifier verifier, Path dir, VerificationResult r, VerificationPolicy policy) {
    if (!r.verified() || r.rootDigest().isEmpty()) {
      return r;
    }
    return r.withAttestations(
        verifier.attestations(
            LocalAttestations.read(dir), Set.of(r.rootDigest().get().toString()), policy));
  }

  /** The annotation's signature path is relative to the model directory and may not leave it. */
  private static Path signature(Path dir, String signaturePath) {
    if (signaturePath.isEmpty()) {
      return VerificationRequest.defaultSignature(dir);
    }
    return RelativePath.parse(signaturePath).resolveIn(dir);
  }

  private static VerificationResult unsupported(String shown, ModelReference model, String why) {
    return VerificationResult.failed(
        shown, List.of(Failure.about(Reason.MODEL_SOURCE_UNSUPPORTED, model.uri(), "%s", why)));
  }
}
