package dev.cria;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine's package graph (issue #18): a tree, built bottom-up from util, tensor and kernels to
 * the loader, which is the one package that knows both the file formats and the engine. Checked on
 * the compiled main classes, so a stray import fails the build naming the class and the line.
 */
class PackageGraphTest {
    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cria");

    @Test
    void thePackagesAreFreeOfCycles() {
        slices().matching("dev.cria.(*)..").should().beFreeOfCycles().check(ENGINE);
    }

    @Test
    void theEngineDoesNotDependOnTheLoader() {
        // The loader builds engines (ModelLoader.openEngine); an engine knows no file format.
        noClasses().that().resideInAPackage("dev.cria.engine..")
                .should().dependOnClassesThat().resideInAPackage("dev.cria.loader..")
                .check(ENGINE);
    }

    @Test
    void theTokenizerReadsNoFileFormat() {
        // The loader reads the GGUF tokenizer.ggml.* keys and hands the tokenizer plain arrays.
        noClasses().that().resideInAPackage("dev.cria.tokenizer..")
                .should().dependOnClassesThat().resideInAPackage("dev.cria.io..")
                .check(ENGINE);
    }

    @Test
    void theGrammarEngineDependsOnNoOtherCriaPackage() {
        // Plain data in (GBNF text, token bytes), plain data out (bit masks): the sampler, the schema
        // compiler and the APIs build on it, never the other way round.
        noClasses().that().resideInAPackage("dev.cria.grammar")
                .should().dependOnClassesThat(resideInAPackage("dev.cria..")
                        .and(not(resideInAnyPackage("dev.cria.grammar")))
                        .as("a Cria class outside dev.cria.grammar"))
                .check(ENGINE);
    }

    @Test
    void theKernelsDependOnNoCriaPackageButTensorAndUtil() {
        // The JDK (the Vector API, java.lang.foreign) is theirs to use; of Cria, only the layers below.
        noClasses().that().resideInAPackage("dev.cria.kernels..")
                .should().dependOnClassesThat(resideInAPackage("dev.cria..")
                        .and(not(resideInAnyPackage("dev.cria.kernels..", "dev.cria.tensor..", "dev.cria.util..")))
                        .as("a Cria class outside kernels, tensor and util"))
                .check(ENGINE);
    }
}
