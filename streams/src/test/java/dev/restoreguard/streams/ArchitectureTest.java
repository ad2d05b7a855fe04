package dev.restoreguard.streams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The tree is the architecture: the engine reads the shared contract, never the collectors' code. */
class ArchitectureTest {

    private final JavaClasses engine = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.restoreguard.streams");

    @Test
    void shouldNotDependOnProducers() {
        noClasses().that().resideInAPackage("dev.restoreguard.streams..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.restoreguard.producers..", "dev.restoreguard.sinks..")
                .check(engine);
    }

    @Test
    void shouldKeepRulesFreeOfKafka() {
        noClasses().that().resideInAPackage("dev.restoreguard.streams.rules..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .check(engine);
    }
}
