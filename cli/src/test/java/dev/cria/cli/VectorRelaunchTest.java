package dev.cria.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The second JVM that {@code java -jar cria.jar} starts when the Vector API module is missing. */
class VectorRelaunchTest {

    @Test
    void theChildRunsMainOnTheSameJavaAndClassPathWithCriasOptionsFirstAndTheUsersLast() {
        List<String> cmd = VectorRelaunch.command("/jdk", List.of("-Xmx16g"), "/x/cria.jar", "chat", "m.gguf");

        assertThat(cmd.getFirst()).isEqualTo("/jdk/bin/java");
        assertThat(cmd).containsSubsequence("--add-modules", "jdk.incubator.vector", "-Xmx6g", "-Xmx16g",
                "-cp", "/x/cria.jar", "dev.cria.cli.Main", "chat", "m.gguf");
        assertThat(cmd).containsAll(JvmOptions.jitFlags());
    }

    @Test
    void theChildsStderrPassesThroughWithoutTheIncubatorWarning() {
        String err = copied("WARNING: Using incubator modules: jdk.incubator.vector\nloading 40%\rloading 100%\n");

        assertThat(err).isEqualTo("loading 40%\rloading 100%\n");
    }

    @Test
    void stderrWithoutTheWarningPassesThroughWhole() {
        assertThat(copied("WARNING: something else\ncria: error\n")).isEqualTo("WARNING: something else\ncria: error\n");
        assertThat(copied("")).isEmpty();
    }

    private static String copied(String stderr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VectorRelaunch.copyWithoutWarning(new ByteArrayInputStream(stderr.getBytes(StandardCharsets.UTF_8)), out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
