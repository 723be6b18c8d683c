package dev.cria.loader;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every public entry of the loader fails on a file it cannot load with one line naming the file:
 * the CLI prints the message, so a line that does not say which file is at fault is a defect.
 */
class ModelLoaderTest {
    private static final EngineOptions OPTIONS = new EngineOptions(64, 1, 1, 1);

    @TempDir
    Path dir;

    @Test
    void aRuntimeExceptionNoCheckForesawBecomesOneLineNamingTheFile() {
        IndexOutOfBoundsException bug = new IndexOutOfBoundsException("Index 0 out of bounds for length 0");

        Throwable t = catchThrowable(() -> ModelLoader.reading(dir.resolve("model.gguf"), () -> {
            throw bug;
        }));

        assertThat(t).isInstanceOf(ModelFormatException.class).hasCause(bug)
                .hasMessage("model.gguf: cannot load ('java.lang.IndexOutOfBoundsException: Index 0 out of bounds for length 0')");
    }

    @Test
    void aModelFormatExceptionPassesAsItIs() {
        ModelFormatException named = new ModelFormatException("model.gguf: missing required key 'llama.block_count'");

        assertThat(catchThrowable(() -> ModelLoader.reading(dir.resolve("model.gguf"), () -> {
            throw named;
        }))).isSameAs(named);
    }

    /** The tiny GGUF with a merge that has no space: the Tokenizer rejects it, not the key reader. */
    private Path ggufWithAMergeWithoutASpace() {
        return CorruptTinyModel.withKey(dir, "tokenizer.ggml.merges", new String[]{"ab"});
    }

    @Test
    void aCorruptGgufTokenizerThroughLoadTokenizerNamesTheFile() {
        assertThatThrownBy(() -> ModelLoader.loadTokenizer(ggufWithAMergeWithoutASpace()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("corrupt.gguf: tokenizer: merge 0 'ab' is not 'left right'");
    }

    @Test
    void aCorruptGgufTokenizerThroughOpenEngineNamesTheFile() {
        assertThatThrownBy(() -> ModelLoader.openEngine(ggufWithAMergeWithoutASpace(), OPTIONS))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("corrupt.gguf: tokenizer: merge 0 'ab' is not 'left right'");
    }

    @Test
    void aCorruptGgufTokenizerThroughOpenSyntheticNamesTheFile() {
        assertThatThrownBy(() -> ModelLoader.openSynthetic("1b:Q4_0", ggufWithAMergeWithoutASpace(), OPTIONS))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("corrupt.gguf: tokenizer: merge 0 'ab' is not 'left right'");
    }

    /** The tiny HF folder (weights and config linked) with the first merge of tokenizer.json, "Ġ Ġ", made "ĠĠ". */
    private Path hfFolderWithAMergeWithoutASpace() throws IOException {
        Path tiny = Golden.model("tiny-llama3");
        Path folder = Files.createDirectory(dir.resolve("tiny-llama3"));
        try (var files = Files.list(tiny)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals("tokenizer.json")) Files.createSymbolicLink(folder.resolve(p.getFileName()), p.toAbsolutePath());
            }
        }
        String json = Files.readString(tiny.resolve("tokenizer.json"));
        assertThat(json).contains("\"Ġ Ġ\"");
        Files.writeString(folder.resolve("tokenizer.json"), json.replaceFirst("\"Ġ Ġ\"", "\"ĠĠ\""));
        return folder;
    }

    @Test
    void aHfFolderWithACorruptTokenizerThroughOpenEngineNamesTokenizerJson() throws IOException {
        Path folder = hfFolderWithAMergeWithoutASpace();

        assertThatThrownBy(() -> ModelLoader.openEngine(folder, OPTIONS)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("tokenizer.json: model.merges[0] must be \"left right\" or [\"left\", \"right\"], got ");
    }

    @Test
    void aHfFolderWithACorruptTokenizerThroughLoadTokenizerNamesTokenizerJson() throws IOException {
        Path folder = hfFolderWithAMergeWithoutASpace();

        assertThatThrownBy(() -> ModelLoader.loadTokenizer(folder)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("tokenizer.json: model.merges[0] must be \"left right\" or [\"left\", \"right\"], got ");
    }

    @Test
    void theUntouchedHfFolderOpens() throws IOException {
        try (Engine engine = ModelLoader.openEngine(Golden.model("tiny-llama3"), OPTIONS)) {
            assertThat(engine.info().contextLength()).isEqualTo(64);
        }
    }
}
