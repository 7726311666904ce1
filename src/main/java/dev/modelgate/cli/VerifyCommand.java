package dev.modelgate.cli;

import dev.modelgate.assembly.Core;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oms.BundleParser;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.trust.CertificateIdentity;
import dev.modelgate.trust.CertificateVerifier;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.KeylessIdentity;
import dev.modelgate.trust.PemReader;
import dev.modelgate.trust.SignatureVerifier;
import dev.modelgate.trust.SigstoreKeylessVerifier;
import dev.modelgate.trust.SigstoreTrustRoot;
import dev.modelgate.verify.Deadline;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationRequest;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate verify}: is this model exactly what its signer signed, and is the signer
 * trusted?
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    synopsisSubcommandLabel = "[key|certificate|sigstore]",
    description = {
      "Verify a model directory (or single file) against its OMS signature: the signature and signer, then that every file is signed and unchanged.",
      "ModelGate's flag form needs exactly one trust method: --public-key, --certificate-chain, or --identity with --identity-provider (Sigstore keyless).",
      "model_signing's form names the method first: modelgate verify key|certificate|sigstore MODEL_PATH --signature SIG ... (see 'modelgate verify sigstore --help'); underscores in option names read as hyphens.",
      "Exit codes: 0 verified, 1 verification failed, 2 bad usage or unreadable input, 3 could not decide."
    },
    subcommands = {
      VerifyKeyCommand.class,
      VerifyCertificateCommand.class,
      VerifySigstoreCommand.class
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Optional for picocli, which would otherwise demand it before a method subcommand; call()
  // requires it.
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL",
      description =
          "The model directory or file, or oci://REGISTRY/REPO[:TAG|@DIGEST] (verified from its manifest, no weights downloaded).")
  String modelArg;

  Path model;

  @Option(
      names = "--plain-http",
      description =
          "oci:// models: talk plain HTTP to the registry (loopback registries always use it).")
  boolean plainHttp;

  @Option(
      names = "--signature",
      paramLabel = "FILE",
      description =
          "The OMS bundle (default: model.sig in the model directory, or beside a single-file model). With oci://, a local bundle checked against the registry's manifest instead of the signatures attached there.")
  Path signature;

  // Optional for the same reason; call() requires exactly one.
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Method method;

  static final class Method {
    @Option(
        names = "--public-key",
        paramLabel = "PEM",
        description = "key method: the signer's EC public key.")
    Path publicKey;

    @Option(
        names = "--certificate-chain",
        arity = "1..*",
        paramLabel = "PEM",
        description =
            "certificate method: trust anchors (root CAs); intermediates come from the bundle.")
    List<Path> certificateChain;

    @ArgGroup(exclusive = false, heading = "Sigstore keyless method (offline):%n")
    Keyless keyless;
  }

  static final class Keyless {
    @Option(
        names = "--identity",
        paramLabel = "SAN",
        description =
            "keyless: the signer's identity (certificate SAN: email, URI or username), exactly.")
    String identity;

    @Option(
        names = "--identity-regex",
        paramLabel = "REGEX",
        description =
            "keyless: the signer's identity as a regular expression matching the whole SAN.")
    String identityRegex;

    @Option(
        names = "--identity-provider",
        paramLabel = "URL",
        description = "keyless: the OIDC issuer, exactly.")
    String identityProvider;

    @Option(
        names = "--identity-provider-regex",
        paramLabel = "REGEX",
        description = "keyless: the OIDC issuer as a regular expression matching the whole value.")
    String identityProviderRegex;

    @Option(
        names = "--trusted-root",
        paramLabel = "JSON",
        description =
            "keyless: a Sigstore trusted_root.json (default: the embedded public-good root). Nothing is fetched from the network.")
    Path trustedRoot;

    @Option(
        names = "--trust-config",
        paramLabel = "JSON",
        description =
            "keyless: a Sigstore ClientTrustConfig (model_signing's --trust-config); its trustedRoot is used, its signingConfig ignored.")
    Path trustConfig;

    @Option(
        names = "--use-staging",
        description =
            "keyless: Sigstore's staging root. None ships with ModelGate: pass it with --trusted-root or --trust-config.")
    boolean useStaging;
  }

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
      description =
          "Check only the files the signature names; accept extra files. Unsafe: unsigned code or weights pass.")
  boolean ignoreUnsignedFiles;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Hashing threads (default: all cores).")
  Integer threads;

  @Option(names = "--json", description = "Print the result as one JSON document on stdout.")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = TimeoutOption.class,
      description =
          "Give up after this long (e.g. 90s, 10m) with exit 3, whatever the model does (default: no limit; 60s for oci://).")
  Duration timeout;

  @Override
  public Integer call() {
    if (modelArg == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Missing required parameter: 'MODEL' (or name a method: verify key|certificate|sigstore MODEL_PATH ...)");
    }
    if (method == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Error: Missing required argument (specify one of these): --public-key PEM, --certificate-chain PEM..., or --identity/--identity-regex"
              + " with --identity-provider/--identity-provider-regex (Sigstore keyless)");
    }
    SignatureVerifier verifier = verifier(method, subjectRegExp, sanRegExp);
    if (modelArg.startsWith("oci://")) {
      return verifyOci(verifier);
    }
    model = Path.of(modelArg);
    Path sig = signature != null ? signature : VerificationRequest.defaultSignature(model);
    VerifyOptions options =
        new VerifyOptions(
            files.relativeTo(model),
            ignoreUnsignedFiles,
            files.allowSymlinks,
            files.gitPaths.ignoreGitPaths);
    ModelHasher hasher = threads == null ? ModelHasher.allCores() : new ModelHasher(threads);
    TerminalProgress progress = TerminalProgress.forConsole(spec.commandLine().getErr());
    VerificationRequest request = new VerificationRequest(model, sig, options, progress);
    VerificationResult result =
        timeout == null
            ? new ModelVerifier(hasher).verify(request, verifier)
            : Deadline.within(
                model.toString(),
                timeout,
                () -> new ModelVerifier(hasher).verify(request, verifier));
    return VerificationReport.finish(spec, result, json, false);
  }

  private int verifyOci(SignatureVerifier verifier) {
    OciReference ref = OciReference.parse(modelArg.substring("oci://".length()));
    Core core =
        Core.builder().plainHttpRegistries(plainHttp ? Set.of(ref.registry()) : Set.of()).build();
    VerifyOptions options = new VerifyOptions(List.of(), ignoreUnsignedFiles, false, true);
    OciModelVerifier oci = core.oci();
    VerificationPolicy policy = VerificationPolicy.single(verifier, options);
    Instant deadline = Instant.now().plus(timeout == null ? Duration.ofSeconds(60) : timeout);
    // A local bundle (the Go port and rh-model-signing's file mode attach nothing) is the
    // signature; the manifest still comes from the registry.
    VerificationResult result =
        signature == null
            ? oci.verify(ref, policy, deadline)
            : oci.verifyWithSignature(ref, BundleParser.readBytes(signature), policy, deadline);
    return VerificationReport.finish(spec, result, json, false);
  }

  /** The verifier the trust flags name (also {@code bom}'s). */
  static SignatureVerifier verifier(Method method, String subjectRegExp, String sanRegExp) {
    if (method.publicKey != null) {
      return new KeyVerifier(PemReader.publicKey(method.publicKey));
    }
    if (method.keyless != null) {
      Keyless k = method.keyless;
      KeylessIdentity identity =
          new KeylessIdentity(
              orEmpty(k.identityProvider),
              orEmpty(k.identityProviderRegex),
              orEmpty(k.identity),
              orEmpty(k.identityRegex));
      SigstoreTrustRoot root = KeylessTrust.root(k.trustedRoot, k.trustConfig, k.useStaging);
      return new SigstoreKeylessVerifier(root, List.of(identity));
    }
    List<X509Certificate> anchors = new ArrayList<>();
    method.certificateChain.forEach(p -> anchors.addAll(PemReader.certificates(p)));
    return new CertificateVerifier(anchors, new CertificateIdentity(subjectRegExp, sanRegExp));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
