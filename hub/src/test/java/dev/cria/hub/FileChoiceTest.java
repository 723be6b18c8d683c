package dev.cria.hub;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which files a model name means, from the names alone. */
class FileChoiceTest {
    private static FileChoice choose(String spec, String... names) {
        return FileChoice.choose(ModelRef.parse(spec, null), List.of(names));
    }

    @Test
    void aQuantMatchesCaseInsensitively() {
        assertThat(choose("o/r:q8_0", "r-Q4_0.gguf", "r-Q8_0.gguf").entry()).isEqualTo("r-Q8_0.gguf");
    }

    @Test
    void aQuantThatIsAWholeWordWinsOverALongerOne() {
        assertThat(choose("o/r:Q4_K", "r-Q4_K_M.gguf", "r-Q4_K.gguf", "r-Q4_K_S.gguf").entry()).isEqualTo("r-Q4_K.gguf");
    }

    @Test
    void aQuantThatFitsSeveralFilesListsThem() {
        assertThatThrownBy(() -> choose("o/r:Q4_K", "r-Q4_K_M.gguf", "r-Q4_K_S.gguf"))
                .hasMessage("o/r: 2 GGUF files match Q4_K; name one as o/r/FILE: r-Q4_K_M.gguf, r-Q4_K_S.gguf");
    }

    @Test
    void aGgufInASubfolderIsFound() {
        assertThat(choose("o/r:Q8_0", "README.md", "gguf/r-Q8_0.gguf").files()).containsExactly("gguf/r-Q8_0.gguf");
    }

    @Test
    void aSafetensorsFolderTakesItsConfigTokenizerAndShards() {
        FileChoice c = choose("o/r", "config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json", "tokenizer.json", "README.md", "original/params.json");
        assertThat(c.entry()).isEmpty();
        assertThat(c.files()).containsExactly("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json", "tokenizer.json");
    }

    @Test
    void aFolderWithAShardMissingIsNoModel() {
        assertThatThrownBy(() -> choose("o/r", "config.json", "model-00001-of-00003.safetensors", "model-00003-of-00003.safetensors"))
                .hasMessage("o/r lacks model-00002-of-00003.safetensors");
    }

    @Test
    void aRepositoryWithoutModelFilesSaysSo() {
        assertThatThrownBy(() -> choose("o/r", "README.md"))
                .hasMessage("o/r has neither a GGUF file nor a safetensors model (config.json and *.safetensors)");
    }

    @Test
    void namesThatAreNotHubModelsAreRefused() {
        assertThat(ModelRef.looksLikeHubModel("bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M")).isTrue();
        assertThat(ModelRef.looksLikeHubModel("org/name/sub/file.gguf")).isTrue();
        assertThat(ModelRef.looksLikeHubModel("model.gguf")).isFalse();
        assertThat(ModelRef.looksLikeHubModel("/abs/path.gguf")).isFalse();
        assertThatThrownBy(() -> ModelRef.parse("o/r/../../etc/passwd", null)).hasMessageContaining("bad file path");
    }
}
