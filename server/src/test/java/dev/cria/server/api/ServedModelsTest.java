package dev.cria.server.api;

import dev.cria.engine.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServedModelsTest {
    private static ModelInfo model(String name, String path) {
        return new ModelInfo(name, path, "llama", 4096, 131072, 128256, 1_235_814_400L, "Q8_0");
    }

    @Test
    void aGgufFileIsServedUnderItsFileNameWithGeneralNameAsAnAlias() {
        ServedModels m = ServedModels.of(model("Llama 3.2 1B Instruct", "/models/Llama-3.2-1B-Instruct-Q8_0.gguf"),
                null, List.of(), null, 0);

        assertThat(m.listed(ApiStyle.OPENAI)).containsExactly("Llama-3.2-1B-Instruct-Q8_0", "Llama 3.2 1B Instruct");
        assertThat(m.serves("Llama 3.2 1B Instruct", ApiStyle.OPENAI)).isTrue();
    }

    @Test
    void aHuggingFaceFolderIsServedUnderItsFolderName(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("Llama-3.2-3B-Instruct"));

        ServedModels m = ServedModels.of(model("Llama-3.2-3B-Instruct", folder.toString()), null, List.of(), null, 0);

        assertThat(m.listed(ApiStyle.OPENAI)).containsExactly("Llama-3.2-3B-Instruct");
    }

    @Test
    void aConfiguredIdReplacesTheDefaultsAndGeneralNameIsNotServed() {
        ServedModels m = ServedModels.of(model("Llama 3.2 1B Instruct", "/models/x.gguf"), "llama", List.of("l3"), null, 0);

        assertThat(m.listed(ApiStyle.OPENAI)).containsExactly("llama", "l3");
        assertThat(m.serves("x", ApiStyle.OPENAI)).isFalse();
        assertThat(m.serves("Llama 3.2 1B Instruct", ApiStyle.OPENAI)).isFalse();
    }

    @Test
    void aModelWithoutAFileIsServedUnderGeneralName() {
        ServedModels m = ServedModels.of(model("synthetic 1B Q4_0", "synthetic:1b:Q4_0"), null, List.of(), null, 0);

        assertThat(m.listed(ApiStyle.OPENAI)).containsExactly("synthetic 1B Q4_0");
    }
}
