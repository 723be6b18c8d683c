package dev.cria.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The relaunched jar runs with the options the scripts use: one list, written twice, held equal here. */
class JvmOptionsTest {
    private static final Path ROOT = Path.of(System.getProperty("cria.testdata", "testdata")).getParent();

    @Test
    void theJitFlagsAreBinJdk25s() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", ". bin/jdk25.sh && printf %s \"$CRIA_JIT_FLAGS\"")
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        String flags = new String(p.getInputStream().readAllBytes()).strip();

        assertThat(p.waitFor()).isZero();
        assertThat(List.of(flags.split(" "))).isEqualTo(JvmOptions.jitFlags());
    }

    @Test
    void theModuleAndMemoryOptionsAreBinCrias() throws Exception {
        String binCria = Files.readString(ROOT.resolve("bin/cria"));

        assertThat(binCria).contains(String.join(" ", JvmOptions.MODULES)).contains(String.join(" ", JvmOptions.MEMORY));
    }
}
