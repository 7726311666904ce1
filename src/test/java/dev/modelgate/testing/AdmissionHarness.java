package dev.modelgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionReports;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.EventSink;
import dev.modelgate.inpod.ClaimAccessModes;
import dev.modelgate.inpod.VerifiedClaims;
import dev.modelgate.inpod.VolumeVerifier;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The admission service over a directory of policies the test writes, with a recording event sink
 * and namespace labels the test sets: the same code path as the webhook, without HTTP.
 */
public final class AdmissionHarness {
  public final Path policies;
  public final List<AdmissionOutcome> events = new ArrayList<>();
  public final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
  private NoMatchBehaviour noMatch = NoMatchBehaviour.DENY;
  private ExecutorService verificationThreads = Executors.newCachedThreadPool();
  public ClaimAccessModes claims = ClaimAccessModes.NONE;

  /** The claims models are verified on, by namespace (the cluster's pods; none by default). */
  public VerifiedClaims verifiedClaims = VerifiedClaims.NONE;

  /** Where Events go instead of {@link #events} (a test hands in the cluster's sink). */
  public EventSink eventSink;

  /** Where admitted Audit and Warn outcomes go (a test hands in a writer). */
  public AdmissionReports reports = AdmissionReports.NONE;

  public AdmissionHarness(Path dir) {
    try {
      this.policies = Files.createDirectories(dir.resolve("policies"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public AdmissionHarness noMatch(NoMatchBehaviour b) {
    noMatch = b;
    return this;
  }

  /** The threads local verification runs on (a test can hand in a broken pool). */
  public AdmissionHarness verificationThreads(ExecutorService threads) {
    verificationThreads = threads;
    return this;
  }

  public AdmissionHarness policy(String fileName, String yaml) {
    TestModels.write(policies.resolve(fileName), yaml);
    return this;
  }

  public AdmissionService service() {
    DirectoryPolicyStore store =
        DirectoryPolicyStore.load(policies, PolicyCompiler.withEmbeddedPublicGoodRoot());
    ModelVerifier verifier = new ModelVerifier(ModelHasher.allCores());
    var registry = new RegistryClient(RegistryCredentials.NONE, Set.of());
    ModelVerificationService v =
        new ModelVerificationService(
            verifier, verificationThreads, true, new OciModelVerifier(registry, verifier));
    EventSink sink = eventSink != null ? eventSink : (r, o) -> events.add(o);
    return new AdmissionService(
        new PolicyEngine(store, v, noMatch),
        ns -> namespaceLabels.getOrDefault(ns, Map.of()),
        sink,
        new VolumeVerifier(AdmissionService.DEFAULT_VERIFIER_IMAGE),
        claims,
        reports,
        verifiedClaims);
  }

  public AdmissionOutcome review(AdmissionRequest r) {
    return service().review(r, Instant.now().plus(Duration.ofSeconds(10)));
  }

  /** A CREATE of {@code object} in namespace ml, through /mutate or /validate. */
  public AdmissionOutcome review(JsonNode object, boolean mutating) {
    return review(object, "ml", mutating);
  }

  /** A CREATE of {@code object} in {@code namespace}, through /mutate or /validate. */
  public AdmissionOutcome review(JsonNode object, String namespace, boolean mutating) {
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            object.path("kind").asText(),
            namespace,
            object.at("/metadata/name").asText(),
            "CREATE",
            "",
            false,
            object,
            MissingNode.getInstance());
    return service().review(r, Instant.now().plus(Duration.ofSeconds(10)), mutating);
  }

  /** /validate on an UPDATE of Pod {@code old} in namespace ml to {@code object}. */
  public AdmissionOutcome update(JsonNode object, JsonNode old, String subResource) {
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Pod",
            "ml",
            object.at("/metadata/name").asText(),
            "UPDATE",
            subResource,
            false,
            object,
            old);
    return service().review(r, Instant.now().plus(Duration.ofSeconds(10)), false);
  }

  /** /mutate, its patch applied, then /validate on the patched object (or /mutate's denial). */
  public AdmissionOutcome mutateThenValidate(JsonNode object) {
    AdmissionOutcome m = review(object, true);
    return m.allowed() ? review(patched(m, object), false) : m;
  }

  /** {@code object} with the outcome's JSON patch applied. */
  public static JsonNode patched(AdmissionOutcome o, JsonNode object) {
    return io.fabric8.zjsonpatch.JsonPatch.apply(new ObjectMapper().valueToTree(o.patch()), object);
  }

  public AdmissionOutcome reviewJson(String admissionReviewJson) {
    return review(
        new AdmissionReviewParser().parse(admissionReviewJson.getBytes(StandardCharsets.UTF_8)));
  }

  /** A CREATE request for a workload given as YAML. */
  public static AdmissionRequest create(String workloadYaml) {
    try {
      JsonNode n = new YAMLMapper().readTree(workloadYaml);
      String ns = n.path("metadata").path("namespace").asText("default");
      return new AdmissionRequest(
          "admission.k8s.io/v1",
          "uid-1",
          n.path("kind").asText(),
          ns,
          n.path("metadata").path("name").asText(),
          "CREATE",
          "",
          false,
          n,
          MissingNode.getInstance());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same request as a dry run ({@code kubectl apply --dry-run=server}). */
  public static AdmissionRequest dryRun(AdmissionRequest r) {
    return new AdmissionRequest(
        r.apiVersion(),
        r.uid(),
        r.kind(),
        r.namespace(),
        r.name(),
        r.operation(),
        r.subResource(),
        true,
        r.object(),
        r.oldObject());
  }

  /** A key-method policy for models matching {@code glob}, trusting {@code publicKeyPem}. */
  public static String keyPolicy(
      String name, String mode, String glob, Path publicKeyPem, String extraSpec) {
    String pem;
    try {
      pem = Files.readString(publicKeyPem).strip().replace("\n", "\n          ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata:\n  name: "
        + name
        + "\nspec:\n  mode: "
        + mode
        + "\n  match:\n    models: [\""
        + glob
        + "\"]\n  authorities:\n    - name: release-key\n      key:\n        publicKey: |\n          "
        + pem
        + "\n"
        + extraSpec;
  }

  public static String json(Object o) {
    try {
      return new ObjectMapper().writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
