package io.linkgate.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The module boundaries of DESIGN.md, checked on the compiled classes. This module sees every
 * other one on its class path, so it is where the whole picture can be checked.
 */
class ModuleBoundariesTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.linkgate");

  /** Guards against rules that pass because nothing was imported. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "io.linkgate.api",
        "io.linkgate.api.proto",
        "io.linkgate.router",
        "io.linkgate.transport.tcp",
        "io.linkgate.transport.tunnel",
        "io.linkgate.transport.grpc",
        "io.linkgate.client",
        "io.linkgate.server"
      })
  void everyModuleIsImported(String pkg) {
    assertThat(CLASSES.that(resideInAPackage(pkg + "..")).size()).as(pkg).isGreaterThan(0);
  }

  @Test
  void apiDependsOnNothingElseOfOurs() {
    noClasses()
        .that().resideInAPackage("io.linkgate.api..")
        .should().dependOnClassesThat(
            resideInAPackage("io.linkgate..").and(not(resideInAPackage("io.linkgate.api.."))))
        .check(CLASSES);
  }

  @Test
  void transportsNeverDependOnEachOther() {
    slices().matching("io.linkgate.transport.(*)..").should().notDependOnEachOther().check(CLASSES);
  }

  @Test
  void transportsNeverDependOnTheRouterTheClientOrTheServer() {
    noClasses()
        .that().resideInAPackage("io.linkgate.transport..")
        .should().dependOnClassesThat(
            resideInAnyPackage("io.linkgate.router..", "io.linkgate.client..", "io.linkgate.server.."))
        .check(CLASSES);
  }

  @Test
  void routerNeverDependsOnTransportsTheClientOrTheServer() {
    noClasses()
        .that().resideInAPackage("io.linkgate.router..")
        .should().dependOnClassesThat(
            resideInAnyPackage("io.linkgate.transport..", "io.linkgate.client..", "io.linkgate.server.."))
        .check(CLASSES);
  }

  @Test
  void clientNeverDependsOnTheRouterTransportsOrTheServer() {
    noClasses()
        .that().resideInAPackage("io.linkgate.client..")
        .should().dependOnClassesThat(
            resideInAnyPackage("io.linkgate.router..", "io.linkgate.transport..", "io.linkgate.server.."))
        .check(CLASSES);
  }
}
