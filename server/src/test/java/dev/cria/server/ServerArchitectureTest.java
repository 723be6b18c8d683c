package dev.cria.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The server's packages form no cycle: {@code dev.cria.server} (the HTTP layer) imports the endpoint
 * packages ({@code openai}, {@code responses}, {@code anthropic}, {@code ollama}, {@code score}, {@code tokenize}), which import only the shared ones
 * ({@code api}, {@code serving}, {@code generation}, {@code structured}, {@code safety}, {@code usage}) and the engine.
 */
class ServerArchitectureTest {
    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cria.server");

    @Test
    void subPackagesAreFreeOfCycles() {
        ArchRule rule = slices().matching("dev.cria.server.(*)..").should().beFreeOfCycles();
        rule.check(SERVER);
    }

    @Test
    void subPackagesDoNotImportTheRootPackage() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.cria.server.*..")
                .should().dependOnClassesThat().resideInAPackage("dev.cria.server");
        rule.check(SERVER);
    }
}
