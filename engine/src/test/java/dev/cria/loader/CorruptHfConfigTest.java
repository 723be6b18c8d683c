package dev.cria.loader;

import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #17 defect 5 for Hugging Face folders: config.json hyperparameters go through the same
 * {@link dev.cria.model.LlamaConfig} checks as GGUF keys, and the message names the config.json key.
 */
class CorruptHfConfigTest {
    private static final Path TINY = Golden.model("tiny-llama3");

    @TempDir
    Path dir;

    /** The tiny HF folder (weights and tokenizer linked, not copied) with {@code from} replaced by {@code to} in config.json. */
    private Path folderWithConfig(String from, String to) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("tiny-llama3"));
        try (var files = Files.list(TINY)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals("config.json")) Files.createSymbolicLink(folder.resolve(p.getFileName()), p.toAbsolutePath());
            }
        }
        String config = Files.readString(TINY.resolve("config.json"));
        assertThat(config).contains(from);
        Files.writeString(folder.resolve("config.json"), config.replace(from, to));
        return folder;
    }

    @Test
    void negativeRopeThetaIsRejectedNamingTheConfigKey() throws IOException {
        Path folder = folderWithConfig("\"rope_theta\": 500000.0", "\"rope_theta\": -1");
        assertThatThrownBy(() -> ModelLoader.loadWeights(folder)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tiny-llama3/config.json: rope_theta is -1.0, expected a finite number > 0");
    }

    @Test
    void negativeRmsNormEpsIsRejectedNamingTheConfigKey() throws IOException {
        Path folder = folderWithConfig("\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": -1");
        assertThatThrownBy(() -> ModelLoader.loadWeights(folder)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tiny-llama3/config.json: rms_norm_eps is -1.0, expected a number in (0, 1)");
    }

    @Test
    void absurdLayerCountIsRejectedNamingTheConfigKey() throws IOException {
        Path folder = folderWithConfig("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1000000");
        assertThatThrownBy(() -> ModelLoader.loadWeights(folder)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tiny-llama3/config.json: num_hidden_layers is 1000000, expected 1..4096");
    }
}
