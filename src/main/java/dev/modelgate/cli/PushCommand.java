package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.source.ModelPackPublisher;
import dev.modelgate.verify.VerificationRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelgate push}: publish a model directory as a ModelPack artifact with its signature. */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Publish a model directory as a CNCF ModelPack OCI artifact (one raw layer per file), and its OMS",
      "signature as a Sigstore-bundle referrer (also listed under the sha256-<digest> tag for registries",
      "without the referrers API). Credentials come from ~/.docker/config.json (or $DOCKER_CONFIG)."
    })
final class PushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The model directory.")
  Path model;

  @Parameters(
      index = "1",
      paramLabel = "oci://REGISTRY/REPO:TAG",
      description = "Where to publish it.")
  String target;

  @Option(
      names = "--signature",
      paramLabel = "FILE",
      description =
          "The OMS bundle to attach (default: model.sig in the model directory, if present).")
  Path signature;

  @Option(
      names = "--attestation",
      arity = "1..*",
      paramLabel = "FILE",
      description = "Further Sigstore bundles (attestations) to attach as referrers.")
  List<Path> attestations = new ArrayList<>();

  @Option(
      names = "--plain-http",
      description = "Talk plain HTTP to this registry (loopback registries always use it).")
  boolean plainHttp;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "3600",
      description = "Give up after this long.")
  long timeoutSeconds;

  @Option(
      names = "--json",
      description = "Print what was published as one JSON document on stdout.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (!target.startsWith("oci://")) {
      throw new InvalidInputException(
          Reason.MODEL_REFERENCE_INVALID,
          "push target must be oci://REGISTRY/REPO:TAG, got '" + target + "'");
    }
    OciReference ref = OciReference.parse(target.substring("oci://".length()));
    RegistryClient client =
        new RegistryClient(
            RegistryCredentials.fromDefaultDockerConfig(),
            plainHttp ? Set.of(ref.registry()) : Set.of());
    Path sig = signature != null ? signature : VerificationRequest.defaultSignature(model);
    List<byte[]> bundles = new ArrayList<>();
    if (Files.isRegularFile(sig)) {
      bundles.add(Files.readAllBytes(sig));
    } else if (signature != null) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "signature file " + signature + " does not exist");
    }
    for (Path a : attestations) {
      bundles.add(Files.readAllBytes(a));
    }
    List<RelativePath> ignore = new ArrayList<>(IgnoreRules.GIT_PATHS);
    Path root = model.toRealPath();
    Path sigReal = sig.toAbsolutePath().normalize();
    if (sigReal.startsWith(root)) {
      ignore.add(RelativePath.between(root, sigReal));
    }
    ModelPackPublisher.Published p =
        new ModelPackPublisher(client)
            .publish(
                model,
                ref,
                new IgnoreRules(ignore),
                bundles,
                Instant.now().plus(Duration.ofSeconds(timeoutSeconds)));
    var err = spec.commandLine().getErr();
    err.printf(
        "Pushed %s as oci://%s (%d layers, %d referrers)%n",
        model, p.model(), p.layers(), p.referrers().size());
    if (bundles.isEmpty()) {
      err.println(
          "warning: no signature attached (no model.sig); ModelGate will deny this model until one is attached");
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("schemaVersion", "modelgate.dev/push-result/v1");
      doc.put("reference", "oci://" + p.model());
      doc.put("digest", p.model().digest().toString());
      doc.put("layers", p.layers());
      doc.put("referrers", p.referrers().stream().map(Object::toString).toList());
      spec.commandLine().getOut().println(ResultJson.write(doc));
    }
    return ExitCode.OK;
  }
}
