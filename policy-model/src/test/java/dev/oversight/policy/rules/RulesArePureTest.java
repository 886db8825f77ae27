package dev.oversight.policy.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The oversight rules are pure functions: no Kafka, no Vert.x, no clock. Time comes in as a value, so the same
 * facts always give the same verdict, in tests and on replay.
 */
class RulesArePureTest {

    private static final JavaClasses RULES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.oversight.policy.rules");

    @Test
    void rulesDoNotUseKafkaOrVertx() {
        noClasses().that().resideInAPackage("dev.oversight.policy.rules..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.vertx..", "io.micrometer..")
                .because("the rules are pure functions of the facts and the policy")
                .check(RULES);
    }

    @Test
    void rulesDoNotReadTheClock() {
        noClasses().that().resideInAPackage("dev.oversight.policy.rules..")
                .should().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .because("time comes into the rules as a value (DeployFacts.now)")
                .check(RULES);
    }

    @Test
    void rulesDoNotReachIntoTheTopologyOrTheServices() {
        noClasses().that().resideInAPackage("dev.oversight.policy.rules..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.oversight.policy.topology..",
                        "dev.oversight.runtime..", "dev.oversight.policy.file..")
                .check(RULES);
    }
}
