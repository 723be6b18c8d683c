package dev.cria.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar run as a new user would: {@code java -jar cria.jar ...} with no JVM option at all.
 * An integration test (failsafe, after package) because it needs the jar.
 */
class PlainJavaJarIT {
    private static final String JAR = System.getProperty("cria.jar", "target/cria.jar");
    private static final String TINY = Path.of(System.getProperty("cria.testdata", "testdata"), "models/tiny-llama3-Q8_0.gguf").toString();
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final List<String> GENERATE = List.of("generate", TINY, "--prompt", "Hello", "--max-tokens", "8", "--temperature", "0");

    @Test
    void generateRunsWithoutAnyJvmOptionAndPrintsWhatItPrintsWithThem() throws Exception {
        Run plain = run(List.of(JAVA, "-jar", JAR));
        List<String> withOptions = new ArrayList<>(List.of(JAVA));
        withOptions.addAll(JvmOptions.MODULES);
        withOptions.addAll(List.of("-jar", JAR));
        Run optioned = run(withOptions);

        assertThat(plain.code()).as(plain.stderr()).isZero();
        assertThat(plain.stdout()).isNotBlank().isEqualTo(optioned.stdout());
        assertThat(plain.stderr()).doesNotContain("NoClassDefFoundError").doesNotContain("incubator");
    }

    private record Run(int code, String stdout, String stderr) {
    }

    private static Run run(List<String> java) throws Exception {
        List<String> cmd = new ArrayList<>(java);
        cmd.addAll(GENERATE);
        Path err = Files.createTempFile("cria-stderr", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.delete(err);
        }
    }
}
