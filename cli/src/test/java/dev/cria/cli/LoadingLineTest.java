package dev.cria.cli;

import dev.cria.engine.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What cria chat prints while the model loads. */
class LoadingLineTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private Path model(int megabytes) throws Exception {
        Path file = dir.resolve("model.gguf");
        Files.write(file, new byte[megabytes << 20]);
        return file;
    }

    @Test
    void namesTheFileAndItsSizeAtOnceThenTheModelItsLoadTimeAndContext() throws Exception {
        LoadingLine line = LoadingLine.start(model(3), err, false);
        assertThat(printed()).isEqualTo("loading model.gguf (3 MB) …");

        line.loaded(new ModelInfo("Llama 3.2 1B", "", "llama", 8192, 131072, 128256, 0, "Q4_0"));

        assertThat(printed()).matches("loading model\\.gguf \\(3 MB\\) …\nloaded Llama 3\\.2 1B in \\d+\\.\\d s \\(context 8192\\)\n");
    }

    @Test
    void onATerminalTheSecondsCountOnTheSameLineWhichTheResultReplaces() throws Exception {
        LoadingLine line = LoadingLine.start(model(1), err, true);
        Thread.sleep(500);
        line.loaded(new ModelInfo("m", "", "llama", 4096, 4096, 10, 0, "F32"));

        assertThat(printed()).contains("\rloading model.gguf (1 MB) … 0.").contains("\r\033[Kloaded m in ");
    }

    @Test
    void aFailedLoadEndsTheLineSoTheErrorStandsOnItsOwn() throws Exception {
        try (LoadingLine ignored = LoadingLine.start(model(1), err, false)) {
            // the load throws here; closing the line comes first
        }

        assertThat(printed()).isEqualTo("loading model.gguf (1 MB) …\n");
    }
}
