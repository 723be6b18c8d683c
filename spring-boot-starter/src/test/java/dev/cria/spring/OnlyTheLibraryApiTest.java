package dev.cria.spring;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The starter, like any application, reaches Cria only through the library API (and the LangChain4j models). */
class OnlyTheLibraryApiTest {
    @Test
    void theStarterUsesOnlyTheLibraryApiOfCria() {
        noClasses().should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.cria..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage(
                                "dev.cria.api..", "dev.cria.langchain4j..", "dev.cria.spring..")))
                        .as("a Cria class outside dev.cria.api and dev.cria.langchain4j"))
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.cria.spring"));
    }
}
