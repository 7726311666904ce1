package dev.modelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.EventSink;
import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code modelgate check}: the webhook's decision, offline, for workload YAML (Pod, Deployment,
 * ...) or AdmissionReview JSON, against a directory of policies.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Decide offline, as the webhook would, whether workloads would be admitted.",
      "FILE is workload YAML/JSON (several documents allowed) or an AdmissionReview.",
      "Exit codes: 0 all admitted, 1 some denied, 2 bad usage or unreadable input."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--policies", paramLabel = "DIR", defaultValue = "policies", description = "Policy directory (ClusterModelPolicy, ModelPolicy, ModelTrustRoot YAML). Default: policies/.")
  Path policies;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Workloads or AdmissionReviews.")
  List<Path> files;

  @Option(names = "--no-match", paramLabel = "allow|warn|deny", defaultValue = "deny", description = "What happens to a model no policy matches. Default: deny.")
  String noMatch;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Decision budget per workload, as the API server's webhook timeout.")
  int timeoutSeconds;

  @Option(names = "--plain-http-registry", paramLabel = "HOST:PORT", description = "A registry to talk plain HTTP to (repeatable); loopback registries always use it.")
  List<String> plainHttpRegistries = new ArrayList<>();

  @Option(names = "--json", description = "Print the decisions as one JSON document on stdout.")
  boolean json;

  @Override
  public Integer call() {
    DirectoryPolicyStore store = DirectoryPolicyStore.load(policies, PolicyCompiler.withEmbeddedPublicGoodRoot());
    var err = spec.commandLine().getErr();
    for (CompiledPolicy p : store.policies()) {
      if (!p.ready()) {
        err.printf("warning: %s does not compile and denies what it matches: %s%n", p.displayName(), String.join("; ", p.errors()));
      }
    }
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "modelgate-check");
      t.setDaemon(true);
      return t;
    });
    ModelVerifier verifier = new ModelVerifier(ModelHasher.allCores());
    RegistryClient registry = new RegistryClient(RegistryCredentials.fromDefaultDockerConfig(), java.util.Set.copyOf(plainHttpRegistries));
    ModelVerificationService verification = new ModelVerificationService(verifier, executor, true, new OciModelVerifier(registry, verifier));
    AdmissionService service = new AdmissionService(new PolicyEngine(store, verification, NoMatchBehaviour.parse(noMatch)), NamespaceLabels.NONE, EventSink.NONE);
    List<Map<String, Object>> results = new ArrayList<>();
    boolean allAdmitted = true;
    for (Path f : files) {
      for (AdmissionRequest r : requests(f)) {
        // As the API server would: /mutate's patch applies first, so volume models count as injected.
        AdmissionOutcome o = service.review(r, Instant.now().plus(Duration.ofSeconds(timeoutSeconds)), true);
        allAdmitted &= o.allowed();
        report(f, r, o, results);
      }
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("schemaVersion", "modelgate.dev/check-result/v1");
      doc.put("admitted", allAdmitted);
      doc.put("workloads", results);
      spec.commandLine().getOut().println(ResultJson.write(doc));
    }
    return allAdmitted ? ExitCode.OK : ExitCode.FAILED;
  }

  private void report(Path f, AdmissionRequest r, AdmissionOutcome o, List<Map<String, Object>> results) {
    var err = spec.commandLine().getErr();
    String what = r.kind() + " " + (r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name();
    err.printf("%s %s (%s)%n", o.allowed() ? (o.warnings().isEmpty() ? "ADMIT" : "ADMIT with warnings") : "DENY ", what, f);
    if (o.skipped().isEmpty()) {
      err.printf("  %s%n", o.modelsFoundText());
    }
    AdmissionService.verdictLines(o).forEach(l -> err.printf("  %s%n", l));
    o.warnings().forEach(w -> err.printf("  warning: %s%n", w));
    for (Map<String, Object> op : o.patch()) {
      Object v = op.get("value");
      String detail = v instanceof com.fasterxml.jackson.databind.JsonNode && ((com.fasterxml.jackson.databind.JsonNode) v).has("args")
          ? "init container " + ((com.fasterxml.jackson.databind.JsonNode) v).path("name").asText() + ": " + ((com.fasterxml.jackson.databind.JsonNode) v).path("args")
          : String.valueOf(v).length() > 200 ? String.valueOf(v).substring(0, 200) + "..." : String.valueOf(v);
      err.printf("  mutate: %s %s %s%n", op.get("op"), op.get("path"), detail);
    }
    if (!o.skipped().isEmpty()) {
      err.printf("  (not inspected: %s)%n", o.skipped());
    }
    if (!o.allowed() && o.verdicts().isEmpty()) {
      err.printf("  %s%n", o.message());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", f.toString());
    m.put("kind", r.kind());
    m.put("namespace", r.namespace());
    m.put("name", r.name());
    m.put("allowed", o.allowed());
    m.put("modelsFound", o.modelsFound());
    m.put("message", o.message());
    m.put("warnings", o.warnings());
    m.put("patch", o.patch());
    List<Map<String, Object>> verdicts = new ArrayList<>();
    o.verdicts().forEach(v -> {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("model", v.model().name());
      vm.put("uri", v.model().uri().toString());
      vm.put("policy", v.policy());
      vm.put("passed", v.passed());
      v.signer().ifPresent(s -> vm.put("signer", ResultJson.signer(s)));
      vm.put("authorities", v.authorities());
      vm.put("attestations", v.attestations());
      vm.put("lineage", v.lineage());
      vm.put("failures", ResultJson.failures(v.failures()));
      verdicts.add(vm);
    });
    m.put("verdicts", verdicts);
    results.add(m);
  }

  /** An AdmissionReview as is; workloads as CREATE requests in their namespace (default "default"). */
  private static List<AdmissionRequest> requests(Path f) {
    byte[] bytes;
    try {
      if (Files.size(f) > AdmissionReviewParser.MAX_BYTES) {
        throw new InvalidInputException(Reason.LIMIT_EXCEEDED, f + " is larger than " + AdmissionReviewParser.MAX_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(f);
    } catch (IOException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "workload file " + f + " cannot be read: " + e.getMessage(), e);
    }
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(new String(bytes, StandardCharsets.UTF_8))) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && n.isObject()) {
          docs.add(n);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(Reason.REQUEST_MALFORMED, f + " is not YAML or JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    List<AdmissionRequest> out = new ArrayList<>();
    for (JsonNode n : docs) {
      if ("AdmissionReview".equals(n.path("kind").asText())) {
        out.add(new AdmissionReviewParser().parse(n.toString().getBytes(StandardCharsets.UTF_8)));
        continue;
      }
      String kind = n.path("kind").asText("");
      if (kind.isEmpty()) {
        throw new InvalidInputException(Reason.REQUEST_MALFORMED, f + " has a document without kind");
      }
      JsonNode meta = n.path("metadata");
      out.add(new AdmissionRequest("admission.k8s.io/v1", "check-" + out.size(), kind, meta.path("namespace").asText("default"),
          meta.path("name").asText(meta.path("generateName").asText("")), "CREATE", "", true, n, MissingNode.getInstance()));
    }
    if (out.isEmpty()) {
      throw new InvalidInputException(Reason.REQUEST_MALFORMED, f + " holds no workload");
    }
    return out;
  }
}
