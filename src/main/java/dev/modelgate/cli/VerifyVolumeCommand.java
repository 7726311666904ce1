package dev.modelgate.cli;

import dev.modelgate.assembly.Core;
import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Printable;
import dev.modelgate.core.Reason;
import dev.modelgate.inpod.VerifierContainer;
import dev.modelgate.inpod.VerifierOutcome;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.Judgement;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.source.DownloadSelection;
import dev.modelgate.source.ModelReference;
import dev.modelgate.verify.Deadline;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationRequest;
import dev.modelgate.verify.VerificationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate verify-volume}: the verify mode of the injected init container. Checks a model
 * directory on a volume against every policy handed to it (the ones the webhook matched), with the
 * same verification steps as {@code verify}, and judges each result with the webhook's own decision
 * ({@link Judgement}: mode, onError, file rules, attestations, lineage), so the pod and the webhook
 * cannot disagree on what passes. When an Enforce policy fails it exits 1 and writes one line to
 * the termination log, so {@code kubectl describe pod} shows which model, policy and file failed;
 * pass or fail, the termination log ends with the {@link VerifierOutcome} record of every policy's
 * result, which background verification reads back from the pod's status.
 */
@Command(
    name = VerifierContainer.COMMAND,
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verify a model directory against policies (the init-container mode the webhook injects).",
      "Policies come from --policies DIR or from the environment variable named by --policies-env (YAML documents).",
      "Exit codes: 0 every Enforce policy passed, 1 one failed (reason in the termination log), 2 bad usage."
    })
final class VerifyVolumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "The model directory (on the mounted volume).")
  Path model;

  @Option(
      names = VerifierContainer.MODEL_URI,
      required = true,
      paramLabel = "URI",
      description = "The model as the workload names it (pvc://…, volume://…), for messages.")
  String modelUri;

  @Option(
      names = VerifierContainer.MODEL_NAME,
      defaultValue = "model",
      paramLabel = "NAME",
      description = "The model's logical name, for messages.")
  String modelName;

  @Option(
      names = VerifierContainer.SIGNATURE,
      paramLabel = "FILE",
      description = "The OMS bundle (default: model.sig in DIR).")
  Path signature;

  @Option(
      names = VerifierContainer.ALLOW_PATTERN,
      paramLabel = "PATTERN",
      description = {
        "The download kept only the files these patterns select (KServe's STORAGE_ALLOW_PATTERNS; repeat per pattern, as --allow-pattern=P).",
        "Then every file present must be signed and match, and every signed file the patterns select must be present; signed files they do not select may be absent.",
        "Matched as the downloader matches them (huggingface_hub for hf:// URIs, Python fnmatch otherwise)."
      })
  List<String> allowPatterns = new ArrayList<>();

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      description = "Read policies from a directory instead of the environment.")
  Path policies;

  @Option(
      names = "--policies-env",
      defaultValue = VerifierContainer.POLICIES_ENV,
      paramLabel = "NAME",
      description = "Environment variable holding the policy YAML. Default: MODELGATE_POLICIES.")
  String policiesEnv;

  @Option(
      names = "--termination-log",
      defaultValue = "/dev/termination-log",
      paramLabel = "FILE",
      description =
          "Where the failure reason and the outcome record go. Default: /dev/termination-log.")
  Path terminationLog;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      paramLabel = "DURATION",
      converter = TimeoutOption.class,
      description =
          "Give up after this long per policy (e.g. 90s, 10m) and fail closed. Default: 10m.")
  Duration timeout;

  /**
   * The parser this command needs: a download's pattern is whatever the workload wrote, so {@code
   * --allow-pattern=--policies=/tmp} or {@code --allow-pattern=-h} is a pattern, never an option.
   */
  static CommandLine configure(CommandLine verifyVolume) {
    return verifyVolume.setAllowOptionsAsOptionParameters(true);
  }

  @Override
  public Integer call() {
    PolicyCompiler compiler = PolicyCompiler.withEmbeddedPublicGoodRoot();
    List<CompiledPolicy> compiled =
        policies != null
            ? DirectoryPolicyStore.load(policies, compiler).policies()
            : DirectoryPolicyStore.compileAll(
                PolicyDocuments.parse(envPolicies(), "$" + policiesEnv), compiler);
    var err = spec.commandLine().getErr();
    if (compiled.isEmpty()) {
      return fail(
          List.of("no policy given; refusing to pass a model nothing checked"),
          new VerifierOutcome(
              modelName,
              modelUri,
              List.of(
                  new VerifierOutcome.Result(
                      "(none)",
                      Mode.ENFORCE,
                      false,
                      Optional.empty(),
                      Optional.empty(),
                      Optional.of(Reason.NO_POLICY),
                      "no policy given")),
              0));
    }
    Path sig = signature != null ? signature : VerificationRequest.defaultSignature(model);
    Optional<DownloadSelection> selection = DownloadSelection.forVerifier(allowPatterns, modelUri);
    List<String> partial = new ArrayList<>();
    ModelReference subject = VerifierContainer.model(modelName, modelUri);
    String named = "model '" + modelName + "' (" + modelUri + ")";
    List<String> enforced = new ArrayList<>();
    List<VerifierOutcome.Result> recorded = new ArrayList<>();
    // Base models of a lineage clause are read from the pod the way the webhook reads a base model
    // it has no workload credentials for, within the same deadline: registries anonymously (the
    // verifier carries no secret: no service-account token, no registry credentials), plain HTTP
    // only to loopback, and no file:// base (that path would be the verifier's file system, not
    // the webhook's), which fails with its reason instead.
    try (Core core =
        Core.builder()
            .registryCredentials(RegistryCredentials.NONE)
            .allowFileModels(false)
            .build()) {
      ModelVerifier verifier = core.modelVerifier();
      Judgement judgement = new Judgement(core.verification());
      for (CompiledPolicy p : compiled) {
        // One deadline per policy: its verification and the lineage it follows share it.
        Instant deadline = Instant.now().plus(timeout);
        ModelVerdict v;
        String part = "";
        if (!p.ready()) {
          v = Judgement.notCompiled(subject, p);
        } else {
          VerificationPolicy vp = p.verification().orElseThrow();
          VerificationRequest request =
              new VerificationRequest(model, sig, vp.options(), new LogProgress(err), selection);
          VerificationResult r =
              Deadline.within(modelUri, timeout, () -> verifier.verify(request, vp));
          r = ModelVerificationService.withLocalAttestations(verifier, model, r, vp);
          part = r.partial().map(c -> c.describe()).orElse("");
          if (!part.isEmpty()) {
            partial.add(part);
          }
          r.warnings().forEach(w -> err.printf("modelgate: warning: %s%n", Printable.escape(w)));
          v = judgement.verdict(subject, p, r, deadline);
        }
        recorded.add(result(v, part));
        Judgement.Effect effect = Judgement.effect(v, p.onError());
        if (effect == Judgement.Effect.PASS) {
          err.printf(
              "modelgate: %s%n",
              Printable.escape(
                  String.format(
                      "%s verified by %s, signed by %s%s",
                      named,
                      p.displayName(),
                      v.signer().map(s -> s.identity()).orElse("?"),
                      part.isEmpty() ? "" : "; partial download: " + part)));
          continue;
        }
        Failure first = v.failures().get(0);
        int more = v.failures().size() - 1;
        String line =
            named
                + " failed "
                + p.displayName()
                + ": "
                + first
                + (more > 0 ? " (and " + more + " more)" : "");
        v.failures()
            .forEach(f -> err.printf("modelgate: %s: %s%n", Printable.escape(p.displayName()), f));
        if (effect == Judgement.Effect.DENY) {
          enforced.add(line);
        } else {
          err.printf(
              "modelgate: %s (%s, not blocking)%n",
              Printable.escape(line),
              effect == Judgement.Effect.WAIVED ? "onError Allow" : "mode " + v.mode());
        }
      }
    }
    VerifierOutcome outcome = new VerifierOutcome(modelName, modelUri, recorded, 0);
    if (enforced.isEmpty()) {
      record(
          outcome.encode(
              partial.isEmpty()
                  ? ""
                  : named + " partial download: " + partial.get(partial.size() - 1)));
      return ExitCode.OK;
    }
    return fail(enforced, outcome);
  }

  /** The record of one policy's verdict, as background verification reads it back. */
  private static VerifierOutcome.Result result(ModelVerdict v, String partial) {
    Optional<String> signer = v.signer().map(s -> s.identity());
    if (v.passed()) {
      // A pass of a restricted download says how much of the model it covered.
      return new VerifierOutcome.Result(
          v.policy().orElseThrow(),
          v.mode(),
          true,
          signer,
          v.signer().map(s -> s.method().label()),
          Optional.empty(),
          partial);
    }
    Failure first = v.failures().get(0);
    return new VerifierOutcome.Result(
        v.policy().orElseThrow(),
        v.mode(),
        false,
        signer,
        Optional.empty(),
        Optional.of(first.reason()),
        first.message());
  }

  private String envPolicies() {
    String text = System.getenv(policiesEnv);
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(
          Reason.POLICY_INVALID,
          "environment variable " + policiesEnv + " holds no policies (or use --policies DIR)");
    }
    return text;
  }

  private int fail(List<String> reasons, VerifierOutcome outcome) {
    // Model names and URIs come from the workload: one printable line, whatever they hold.
    String line =
        Printable.escape(
            reasons.get(0)
                + (reasons.size() > 1 ? " [and " + (reasons.size() - 1) + " more]" : ""));
    spec.commandLine().getErr().println("modelgate: " + line);
    record(outcome.encode(line));
    return ExitCode.FAILED;
  }

  /**
   * The termination message: the first failure for people ({@code kubectl describe pod}), then the
   * record background verification reads back ({@link VerifierOutcome}).
   */
  private void record(String message) {
    try {
      Files.writeString(terminationLog, message, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      spec.commandLine()
          .getErr()
          .println(
              "modelgate: termination log "
                  + terminationLog
                  + " cannot be written: "
                  + e.getMessage());
    }
  }
}
