package dev.cria.hub;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/** The hub module stands alone: the JDK and Jackson only, so a library user or an init container can take it without the engine. */
class HubArchitectureTest {
    private static final JavaClasses HUB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cria.hub");

    @Test
    void theHubNeedsOnlyTheJdkAndJackson() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.cria.hub..", "java..", "com.fasterxml.jackson..")
                .check(HUB);
    }

    @Test
    void itsPublicClassesAreTheEntryAndTheValuesItTakesAndGives() {
        classes().that().arePublic().and().areTopLevelClasses()
                .should().haveNameMatching("dev\\.cria\\.hub\\.(HubClient|HubSettings|ModelRef|DownloadListener|HubException)")
                .check(HUB);
    }
}
