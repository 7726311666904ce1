package dev.modelgate.policy.crd;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.PolicyMatch;
import dev.modelgate.policy.PolicyStore;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Policies from a directory of YAML files ({@code *.yaml}, {@code *.yml}, {@code *.json}), the same
 * documents that would be applied as CRDs: the embedded mode of {@code serve} and {@code check}.
 * Loaded once at construction; a document that cannot be read becomes a broken policy that denies
 * everything it might have matched.
 */
public final class DirectoryPolicyStore implements PolicyStore {
  private final List<CompiledPolicy> policies;

  private DirectoryPolicyStore(List<CompiledPolicy> policies) {
    this.policies = List.copyOf(policies);
  }

  public static DirectoryPolicyStore load(Path dir, PolicyCompiler compiler) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "policy directory " + dir + " does not exist");
    }
    List<PolicyDocuments.Document> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String n = f.getFileName().toString();
        if (Files.isRegularFile(f)
            && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))) {
          if (Files.size(f) > 1024 * 1024) {
            docs.add(
                PolicyDocuments.Document.unreadable(
                    "", "", n, CompileError.unreadable(f + " is larger than 1 MiB")));
            continue;
          }
          docs.addAll(
              PolicyDocuments.parse(Files.readString(f, StandardCharsets.UTF_8), f.toString()));
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.IO_ERROR, "policy directory " + dir + " cannot be read: " + e.getMessage(), e);
    }
    return new DirectoryPolicyStore(compileAll(docs, compiler));
  }

  /** Compiles trust roots first, then policies against them; unreadable documents deny. */
  @SuppressWarnings("unchecked")
  public static List<CompiledPolicy> compileAll(
      List<PolicyDocuments.Document> docs, PolicyCompiler compiler) {
    Map<String, TrustMaterial> roots = new HashMap<>();
    for (PolicyDocuments.Document d : docs) {
      if (d.resource() instanceof ModelTrustRoot) {
        roots.put(d.name(), compiler.compileTrustRoot((ModelTrustRoot) d.resource(), null));
      } else if (d.resource() == null && d.kind().equals("ModelTrustRoot")) {
        roots.put(
            d.name(),
            new TrustMaterial(
                d.name(), List.of(), Optional.empty(), List.of(d.error().orElseThrow()), ""));
      }
    }
    List<CompiledPolicy> out = new ArrayList<>();
    for (PolicyDocuments.Document d : docs) {
      if (d.kind().equals("ModelTrustRoot")) {
        continue;
      }
      if (d.resource() == null) {
        String kind = d.kind().isEmpty() ? "PolicyFile" : d.kind();
        out.add(
            CompiledPolicy.broken(
                kind,
                kind.equals("ModelPolicy") ? d.namespace() : "",
                d.name(),
                PolicyMatch.EVERYTHING,
                List.of(d.error().orElseThrow())));
      } else {
        out.add(
            compiler.compile((CustomResource<ModelPolicySpec, PolicyStatus>) d.resource(), roots));
      }
    }
    return out;
  }

  @Override
  public List<CompiledPolicy> policies() {
    return policies;
  }

  @Override
  public boolean ready() {
    return true;
  }
}
