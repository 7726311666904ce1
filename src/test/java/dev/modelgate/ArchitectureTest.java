package dev.modelgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point one way (DESIGN.md section 2); the core stays free of Quarkus and fabric8. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.modelgate");

  @Test
  void coreDoesNotDependOnFrameworks() {
    noClasses()
        .that().resideInAnyPackage("dev.modelgate.core..", "dev.modelgate.oms..", "dev.modelgate.trust..", "dev.modelgate.verify..")
        .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "io.fabric8..", "picocli..")
        .check(CLASSES);
  }

  @Test
  void omsKnowsNothingAbove() {
    noClasses().that().resideInAPackage("dev.modelgate.oms..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.modelgate.trust..", "dev.modelgate.verify..", "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void trustDoesNotKnowVerificationOrCli() {
    noClasses().that().resideInAPackage("dev.modelgate.trust..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.modelgate.verify..", "dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void onlyTheCliKnowsTheCli() {
    noClasses().that().resideOutsideOfPackage("dev.modelgate.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.modelgate.cli..")
        .check(CLASSES);
  }

  @Test
  void coreVocabularyDependsOnNothingElse() {
    noClasses().that().resideInAPackage("dev.modelgate.core..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.modelgate.oms..", "dev.modelgate.trust..", "dev.modelgate.verify..", "dev.modelgate.cli..")
        .check(CLASSES);
  }
}
