package dev.cria.api;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library API is a promise to applications: its public signatures speak plain Java and its own
 * types only, so the engine's internals (and Jackson) can change without breaking them.
 */
class LibraryApiTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cria");

    @Test
    void publicSignaturesUseOnlyJavaAndLibraryTypes() {
        List<String> leaks = new ArrayList<>();
        for (JavaClass c : MAIN) {
            if (!c.getPackageName().equals("dev.cria.api") || !c.getModifiers().contains(JavaModifier.PUBLIC)) continue;
            Stream.concat(c.getMethods().stream(), c.getConstructors().stream())
                    .filter(m -> m.getModifiers().contains(JavaModifier.PUBLIC))
                    .forEach(m -> involvedTypes(m).filter(t -> !plain(t))
                            .forEach(t -> leaks.add(m.getFullName() + " uses " + t.getName())));
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void noEnginePackageDependsOnTheLibraryApi() {
        // The API sits on top: it may use every engine package, none may use it.
        noClasses().that().resideOutsideOfPackage("dev.cria.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.cria.api..")
                .check(MAIN);
    }

    private static Stream<JavaClass> involvedTypes(JavaCodeUnit m) {
        return Stream.concat(m.getReturnType().getAllInvolvedRawTypes().stream(),
                m.getParameterTypes().stream().flatMap(p -> p.getAllInvolvedRawTypes().stream()));
    }

    private static boolean plain(JavaClass t) {
        JavaClass base = t.getBaseComponentType();
        return base.isPrimitive() || base.getPackageName().startsWith("java.") || base.getPackageName().equals("dev.cria.api");
    }
}
