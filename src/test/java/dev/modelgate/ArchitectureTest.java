package dev.modelgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Dependencies point one way (DESIGN.md section 2); the core stays free of Quarkus and fabric8. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.modelgate");

  @Test
  void theArchitecturePageListsEveryPackageAndNoOther() throws IOException {
    // docs/architecture.md is the map a newcomer reads: a package without a row is a room nobody
    // can find, a row without a package a room that is gone.
    Path root = Path.of("src/main/java/dev/modelgate");
    Set<String> packages;
    try (Stream<Path> files = Files.walk(root)) {
      packages =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .map(f -> root.relativize(f.getParent()).toString().replace('/', '.'))
              .filter(p -> !p.isEmpty())
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> rows = new TreeSet<>();
    Matcher m =
        Pattern.compile("(?m)^\\| `([a-z0-9.]+)` \\|")
            .matcher(Files.readString(Path.of("docs/architecture.md")));
    while (m.find()) {
      rows.add(m.group(1));
    }
    assertThat(rows).isEqualTo(packages);
  }

  @Test
  void coreDoesNotDependOnFrameworks() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.modelgate.core..",
            "dev.modelgate.oms..",
            "dev.modelgate.trust..",
            "dev.modelgate.oci..",
            "dev.modelgate.verify..",
            "dev.modelgate.source..",
            "dev.modelgate.admission..",
            "dev.modelgate.inpod..",
            "dev.modelgate.policy..",
            "dev.modelgate.report..",
            "dev.modelgate.scan..",
            "dev.modelgate.certs..",
            "dev.modelgate.bom..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.quarkus..", "jakarta..", "picocli..")
        .check(CLASSES);
  }

  @Test
  void runtimeIsTheOnlyQuarkusPackage() {
    // Quarkus, CDI, Vert.x, MicroProfile and the metrics registry are the edge's business alone:
    // the CLI and every capability run without them.
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.modelgate.runtime..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.quarkus..",
            "jakarta.enterprise..",
            "jakarta.inject..",
            "jakarta.ws..",
            "io.vertx..",
            "io.smallrye..",
            "org.eclipse.microprofile..",
            "io.micrometer..")
        .check(CLASSES);
  }

  @Test
  void onlyCrdsK8sSubpackagesAndTheRuntimeSeeKubernetesTypes() {
    // Each capability keeps its plain-Java core in its package and its fabric8 code in a k8s
    // subpackage (policy.k8s, report.k8s, certs.k8s, scan.k8s, admission.k8s, verify.k8s,
    // core.k8s).
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.modelgate.policy.crd..", "dev.modelgate..k8s..", "dev.modelgate.runtime..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fabric8..")
        .check(CLASSES);
  }

  @Test
  void k8sSubpackagesAreNotSeenByTheirCore() {
    // The fabric8 glue sits above the plain-Java core it serves, never below it: only the edges
    // reach it (the runtime; the CLI for `bom --cluster`, which reads the cluster's reports).
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.modelgate..k8s..", "dev.modelgate.runtime..", "dev.modelgate.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.modelgate..k8s..")
        .check(CLASSES);
  }

  @Test
  void layersDependDownwardOnly() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.modelgate.verify..", "dev.modelgate.source..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.policy..",
            "dev.modelgate.inpod..",
            "dev.modelgate.report..",
            "dev.modelgate.admission..",
            "dev.modelgate.runtime..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.policy..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.inpod..",
            "dev.modelgate.report..",
            "dev.modelgate.admission..",
            "dev.modelgate.runtime..",
            "dev.modelgate.cli..")
        .check(CLASSES);
    // Reports sit above policy verdicts and below the admission path that feeds them.
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.admission..", "dev.modelgate.runtime..", "dev.modelgate.cli..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.admission..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.modelgate.runtime..", "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void servingResourcesAreReadBelowTheAdmissionPathThatDecidesThem() {
    // admission.serving reads serving resources into model references; admission decides them.
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.admission.serving..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.admission",
            "dev.modelgate.policy..",
            "dev.modelgate.verify..",
            "dev.modelgate.report..",
            "dev.modelgate.runtime..",
            "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void servingRuntimesSitBelowTheAdmissionPath() {
    // The inspector and the admission service use the serving-runtime table; it knows pod specs
    // and model references only, never the service, the policies or verification.
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.admission.runtimeargs..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.admission",
            "dev.modelgate.admission.serving..",
            "dev.modelgate.policy..",
            "dev.modelgate.verify..",
            "dev.modelgate.oci..",
            "dev.modelgate.report..",
            "dev.modelgate.runtime..",
            "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void backgroundVerificationSitsAboveAdmissionAndBelowTheRuntime() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.modelgate.core..",
            "dev.modelgate.oms..",
            "dev.modelgate.trust..",
            "dev.modelgate.oci..",
            "dev.modelgate.source..",
            "dev.modelgate.verify..",
            "dev.modelgate.policy..",
            "dev.modelgate.report..",
            "dev.modelgate.inpod..",
            "dev.modelgate.admission..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.modelgate.scan..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.scan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.modelgate.runtime..", "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void theAssemblyIsPlainJavaAndOnlyTheEntryPointsUseIt() {
    // One assembly of the core: the runtime's producers and the CLI commands build it, nothing in
    // the core reaches up to it, and it reaches no framework (cluster parts are handed in).
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.assembly..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.runtime..",
            "dev.modelgate.cli..",
            "dev.modelgate..k8s..",
            "io.fabric8..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.modelgate.assembly..", "dev.modelgate.runtime..", "dev.modelgate.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.modelgate.assembly..")
        .check(CLASSES);
  }

  /**
   * In-pod verification is one room between the policy engine and admission: admission, the scan
   * and the CLI use it; it uses nothing above the policy engine, and nothing below knows it.
   */
  @Test
  void inPodVerificationSitsBetweenPolicyAndAdmission() {
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.inpod..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.admission..",
            "dev.modelgate.report..",
            "dev.modelgate.scan..",
            "dev.modelgate.runtime..",
            "dev.modelgate.cli..",
            "io.fabric8..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.modelgate.core..",
            "dev.modelgate.oms..",
            "dev.modelgate.trust..",
            "dev.modelgate.oci..",
            "dev.modelgate.verify..",
            "dev.modelgate.source..",
            "dev.modelgate.policy..",
            "dev.modelgate.report..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.modelgate.inpod..")
        .check(CLASSES);
  }

  @Test
  void billsOfMaterialsSitAbovePoliciesAndReportsAndBelowTheCli() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.modelgate.core..",
            "dev.modelgate.oms..",
            "dev.modelgate.trust..",
            "dev.modelgate.oci..",
            "dev.modelgate.source..",
            "dev.modelgate.verify..",
            "dev.modelgate.policy..",
            "dev.modelgate.report..",
            "dev.modelgate.admission..",
            "dev.modelgate.scan..",
            "dev.modelgate.runtime..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.modelgate.bom..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.bom..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.admission..",
            "dev.modelgate.scan..",
            "dev.modelgate.runtime..",
            "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void webhookCertificatesAreALeafCapability() {
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.certs..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.runtime..",
            "dev.modelgate.admission..",
            "dev.modelgate.policy..",
            "dev.modelgate.verify..",
            "dev.modelgate.trust..",
            "dev.modelgate.oci..",
            "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void omsKnowsNothingAbove() {
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.oms..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.trust..", "dev.modelgate.verify..", "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void trustDoesNotKnowVerificationOrCli() {
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.trust..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.modelgate.verify..", "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void onlyTheCliKnowsTheCli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.modelgate.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void coreVocabularyDependsOnNothingElse() {
    noClasses()
        .that()
        .resideInAPackage("dev.modelgate.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.modelgate.oms..",
            "dev.modelgate.trust..",
            "dev.modelgate.verify..",
            "dev.modelgate.cli..")
        .check(CLASSES);
  }
}
