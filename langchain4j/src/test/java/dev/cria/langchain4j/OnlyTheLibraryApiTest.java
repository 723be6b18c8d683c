package dev.cria.langchain4j;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The integration is an application of Cria like any other: it reaches the engine only through the
 * library API, so what it needs, every application can have.
 */
class OnlyTheLibraryApiTest {
    @Test
    void theIntegrationUsesOnlyTheLibraryApiOfCria() {
        JavaClasses integration = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cria.langchain4j");

        noClasses().should().dependOnClassesThat(com.tngtech.archunit.core.domain.JavaClass.Predicates
                        .resideInAPackage("dev.cria..")
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(com.tngtech.archunit.core.domain.JavaClass.Predicates
                                .resideInAnyPackage("dev.cria.api..", "dev.cria.langchain4j..")))
                        .as("a Cria class outside dev.cria.api"))
                .check(integration);
    }
}
