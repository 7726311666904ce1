package dev.modelgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point one way (DESIGN.md section 2); the core stays free of Quarkus and fabric8. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.modelgate");

  @Test
  void coreDoesNotDependOnFrameworks() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.modelgate.core..",
            "dev.modelgate.oms..",
            "dev.modelgate.trust..",
            "dev.modelgate.verify..",
            "dev.modelgate.source..",
            "dev.modelgate.admission..",
            "dev.modelgate.policy..",
            "dev.modelgate.report..",
            "dev.modelgate.scan..",
            "dev.modelgate.certs..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.quarkus..", "jakarta..", "picocli..")
        .check(CLASSES);
  }

  @Test
  void onlyCrdsInformersAndTheRuntimeSeeKubernetesTypes() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.modelgate.policy.crd..",
            "dev.modelgate.policy.k8s..",
            "dev.modelgate.report.k8s..",
            "dev.modelgate.runtime..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fabric8..")
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
        .resideInAnyPackage("dev.modelgate.runtime..", "dev.modelgate.cli..", "io.fabric8..")
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
