package dev.restoreguard.sinks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static final JavaClasses SINKS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.restoreguard.sinks");

    @Test
    void shouldNeverDependOnProducerCode() {
        // sinks read the contract (events) only: a collector's parsing code must never leak into delivery
        noClasses().that().resideInAPackage("dev.restoreguard.sinks..")
                .should().dependOnClassesThat().resideInAPackage("dev.restoreguard.producers..")
                .check(SINKS);
    }

    @Test
    void shouldNeverDependOnTheEngine() {
        noClasses().that().resideInAPackage("dev.restoreguard.sinks..")
                .should().dependOnClassesThat().resideInAPackage("dev.restoreguard.streams..")
                .check(SINKS);
    }

    @Test
    void shouldNotWriteToStandardOutput() {
        noClasses().that().resideInAPackage("dev.restoreguard.sinks..")
                .should().accessField(System.class, "out")
                .check(SINKS);
    }
}
