package dev.modelgate.cli;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.modelgate.assembly.Core;
import dev.modelgate.bom.BomVerifier;
import dev.modelgate.bom.ModelBom;
import dev.modelgate.bom.ModelEvidence;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Printable;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.OciReference;
import dev.modelgate.policy.LineageRule;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.cyclonedx.model.Bom;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate bom}: verify a model, then write its CycloneDX 1.6 bill of materials with the
 * evidence (docs/bom.md); or, with {@code --cluster}, the BOM of the models running in a cluster
 * from the PolicyReports ModelGate wrote there.
 */
@Command(
    name = "bom",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verify a model and write its CycloneDX 1.6 BOM (JSON) with the verification evidence.",
      "MODEL is a directory or file, file:///abs/path, or oci://REGISTRY/REPO[:TAG|@DIGEST]; trust",
      "comes from verify's flags (--public-key, --certificate-chain, --identity ...) or from",
      "--policies DIR. A model that does not verify gives no BOM (exit 1, the failures on",
      "stderr) unless --unverified. --cluster writes the BOM of the models running in the",
      "cluster of your kubeconfig, from ModelGate's PolicyReports (docs/bom.md).",
      "Exit codes: 0 written, 1 verification failed, 2 bad usage or unreadable input, 3 could",
      "not decide."
    })
final class BomCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "The model.")
  String modelArg;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  VerifyCommand.Method method;

  @Option(
      names = "--subject-regexp",
      paramLabel = "REGEX",
      defaultValue = "",
      description = "certificate method: the signing certificate's subject DN must fully match.")
  String subjectRegExp;

  @Option(
      names = "--san-regexp",
      paramLabel = "REGEX",
      defaultValue = "",
      description = "certificate method: one subject alternative name must fully match.")
  String sanRegExp;

  @Mixin FileRuleOptions files;

  @Option(
      names = "--ignore-unsigned-files",
      description = "Check only the files the signature names. Unsafe: unsigned files pass.")
  boolean ignoreUnsignedFiles;

  @Option(
      names = "--lineage-depth",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "With trust flags: follow the model's provenance to its base models, N levels, each verified with the same flags (default 0: not followed). With --policies, each policy's lineage clause decides.")
  int lineageDepth;

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      description =
          "Judge the model by the policies of DIR (as check does) instead of trust flags: every policy matching it must pass.")
  Path policies;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description =
          "With --policies: the namespace a workload using the model would run in (default: default). With --cluster: read only this namespace's report (repeatable; default: all you may list).")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--name", paramLabel = "NAME", description = "The model's name in the BOM.")
  String name;

  @Option(
      names = "--model-version",
      paramLabel = "VERSION",
      description = "The model's version in the BOM (default: the OCI tag, if any).")
  String modelVersion;

  @Option(
      names = "--purl",
      paramLabel = "PURL",
      description =
          "The model's package URL, e.g. pkg:huggingface/org/name@<commit> (default for oci:// models: pkg:oci/...@<manifest digest>).")
  String purl;

  @Option(
      names = "--files",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "List every signed file as a nested component with its digest (default; --no-files for models with thousands).")
  boolean listFiles;

  @Option(
      names = "--unverified",
      description =
          "Write the BOM even when the model does not verify; every component then says so (modelgate:verified false). The exit code is still the verification's.")
  boolean unverified;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the BOM to FILE (default: stdout).")
  Path output;

  @Option(
      names = "--plain-http",
      description = "oci:// models: plain HTTP to the registry (loopback always uses it).")
  boolean plainHttp;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = TimeoutOption.class,
      description = "Give up after this long with exit 3 (default: 60s for oci://, 1h else).")
  Duration timeout;

  @Mixin ClusterBomOptions cluster;

  @Override
  public Integer call() {
    if (cluster.cluster) {
      if (modelArg != null || method != null || policies != null) {
        throw usage("--cluster takes no MODEL, trust flags or --policies");
      }
      return cluster.run(spec, namespaces, output, version());
    }
    if (modelArg == null) {
      throw usage("Missing required parameter: 'MODEL' (or --cluster)");
    }
    if ((method == null) == (policies == null)) {
      throw usage(
          "give exactly one of: verify's trust flags (--public-key, --certificate-chain, --identity ...) or --policies DIR");
    }
    if (namespaces.size() > 1) {
      throw usage("--namespace with a model is one namespace");
    }
    if (policies != null
        && (lineageDepth != 0
            || ignoreUnsignedFiles
            || files.allowSymlinks
            || !files.ignorePaths.isEmpty()
            || !subjectRegExp.isEmpty()
            || !sanRegExp.isEmpty())) {
      // Silently ignoring them would make a BOM look stricter or laxer than what was checked.
      throw usage(
          "with --policies each policy decides lineage, ignored paths, unsigned files, symlinks and identities;"
              + " --lineage-depth, --ignore-paths, --ignore-unsigned-files, --allow-symlinks, --subject-regexp and --san-regexp go with trust flags");
    }
    ModelUri uri = modelUri();
    ModelReference model = new ModelReference(ModelBom.nameOf(uri), uri, "", "MODEL");
    Duration budget =
        timeout != null
            ? timeout
            : uri.scheme() == ModelScheme.OCI ? Duration.ofSeconds(60) : Duration.ofHours(1);
    Instant deadline = Instant.now().plus(budget);
    Core.Builder options =
        Core.builder()
            .plainHttpRegistries(
                plainHttp && uri.scheme() == ModelScheme.OCI
                    ? Set.of(OciReference.parse(uri.location()).registry())
                    : Set.of());
    if (policies != null) {
      options.policyDirectory(policies);
    }
    try (Core core = options.build()) {
      BomVerifier bom = new BomVerifier(core.verification(), Clock.systemUTC());
      ModelEvidence evidence =
          policies != null
              ? bom.verify(
                  model,
                  core.policies(),
                  namespaces.isEmpty() ? "default" : namespaces.get(0),
                  deadline)
              : bom.verify(model, flagPolicy(uri), deadline);
      return finish(evidence, uri);
    }
  }

  private int finish(ModelEvidence evidence, ModelUri uri) {
    VerificationResult summary =
        evidence.verified()
            ? evidence.result()
            : VerificationResult.failed(evidence.source(), evidence.failures());
    if (!evidence.verified()) {
      VerificationReport.report(spec, summary, false);
      if (!unverified) {
        spec.commandLine()
            .getErr()
            .println("No BOM written (--unverified writes one that says so).");
        return VerificationReport.exitCode(summary);
      }
    }
    Bom bom = ModelBom.of(subject(evidence, uri), evidence, listFiles, version());
    BomOutput.write(spec, ModelBom.json(bom), output);
    if (evidence.verified()) {
      spec.commandLine()
          .getErr()
          .printf(
              "Verified %s: signed by %s; BOM written%s%n",
              Printable.escape(evidence.source()),
              Printable.escape(evidence.result().signer().map(s -> s.identity()).orElse("?")),
              output == null ? "" : " to " + Printable.escape(output.toString()));
    }
    return VerificationReport.exitCode(summary);
  }

  private ModelBom.Subject subject(ModelEvidence e, ModelUri uri) {
    String v = modelVersion;
    String p = purl == null ? "" : checkedPurl();
    if (uri.scheme() == ModelScheme.OCI) {
      OciReference ref = OciReference.parse(uri.location());
      v = v != null ? v : ref.tag();
      if (purl == null) {
        p = e.result().resolvedDigest().map(d -> ModelBom.ociPurl(ref, d)).orElse("");
      }
    }
    return new ModelBom.Subject(name != null ? name : ModelBom.nameOf(uri), v == null ? "" : v, p);
  }

  private BomVerifier.FlagPolicy flagPolicy(ModelUri uri) {
    VerifyOptions options =
        uri.scheme() == ModelScheme.OCI
            ? new VerifyOptions(List.of(), ignoreUnsignedFiles, false, true)
            : new VerifyOptions(
                files.relativeTo(Path.of(uri.path())),
                ignoreUnsignedFiles,
                files.allowSymlinks,
                files.gitPaths.ignoreGitPaths);
    VerificationPolicy policy =
        VerificationPolicy.single(
            VerifyCommand.verifier(method, subjectRegExp, sanRegExp), options);
    if (lineageDepth < 0 || lineageDepth > 10) {
      throw usage("--lineage-depth must be from 0 to 10, got " + lineageDepth);
    }
    return new BomVerifier.FlagPolicy(
        policy,
        TrustRootText.of(method, subjectRegExp, sanRegExp),
        lineageDepth == 0 ? Optional.empty() : Optional.of(new LineageRule(lineageDepth, policy)));
  }

  /** A path, {@code file://}, or {@code oci://} reference; a missing path is bad input. */
  private ModelUri modelUri() {
    if (modelArg.startsWith("oci://") || modelArg.startsWith("file://")) {
      return ModelUri.parse(modelArg);
    }
    Path p = Path.of(modelArg).toAbsolutePath().normalize();
    if (!Files.exists(p)) {
      throw new InvalidInputException(Reason.NOT_FOUND, "no such model: " + modelArg);
    }
    return ModelUri.parse("file://" + p);
  }

  private String checkedPurl() {
    try {
      return new PackageURL(purl).canonicalize();
    } catch (MalformedPackageURLException e) {
      throw usage(
          "--purl '" + Printable.escape(purl) + "' is not a package URL: " + e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
