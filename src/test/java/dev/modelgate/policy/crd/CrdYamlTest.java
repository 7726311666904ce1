package dev.modelgate.policy.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/crds/ is generated from the Java types by fabric8's CRD generator and committed; this test
 * fails when they drift. Regenerate with {@code mvn test -Dtest=CrdYamlTest
 * -Dmodelgate.writeCrds=true}.
 */
class CrdYamlTest {
  static final Path COMMITTED = Path.of("deploy/crds");

  @Test
  void committedCrdYamlMatchesTheJavaTypes(@TempDir Path out) throws Exception {
    new CRDGenerator()
        .inOutputDir(out.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(ClusterModelPolicy.class, ModelPolicy.class, ModelTrustRoot.class)
        .generate();
    List<Path> generated;
    try (Stream<Path> s = Files.list(out)) {
      generated = s.sorted().toList();
    }
    if (Boolean.getBoolean("modelgate.writeCrds")) {
      Files.createDirectories(COMMITTED);
      for (Path g : generated) {
        Files.copy(g, COMMITTED.resolve(g.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
            g,
            Path.of("charts/modelgate/crds").resolve(g.getFileName()),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }

    assertThat(generated)
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(
            "clustermodelpolicies.modelgate.dev-v1.yml",
            "modelpolicies.modelgate.dev-v1.yml",
            "modeltrustroots.modelgate.dev-v1.yml");
    for (Path g : generated) {
      Path committed = COMMITTED.resolve(g.getFileName());
      assertThat(committed).as("run with -Dmodelgate.writeCrds=true to regenerate").exists();
      assertThat(Files.readString(committed))
          .as(committed + " is stale")
          .isEqualTo(Files.readString(g));
    }
  }

  @Test
  void clusterPolicyIsClusterScopedAndModelPolicyNamespaced() throws Exception {
    assertThat(Files.readString(COMMITTED.resolve("clustermodelpolicies.modelgate.dev-v1.yml")))
        .contains("scope: \"Cluster\"")
        .contains("subresources:");
    assertThat(Files.readString(COMMITTED.resolve("modelpolicies.modelgate.dev-v1.yml")))
        .contains("scope: \"Namespaced\"");
    assertThat(new File("deploy/crds")).isDirectory();
  }
}
