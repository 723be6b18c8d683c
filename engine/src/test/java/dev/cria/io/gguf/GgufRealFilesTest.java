package dev.cria.io.gguf;

import dev.cria.tensor.GgmlType;
import dev.cria.util.StrictJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader agrees with testdata's MANIFEST.json (written by gguf-py) on real llama.cpp-made files. */
class GgufRealFilesTest {
    private static final Path MODELS = Path.of(System.getProperty("cria.testdata")).resolve("models");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> manifestEntry(String manifest, String file) throws IOException {
        Map<String, Object> m = StrictJson.parseObject(Files.readString(MODELS.resolve(manifest)));
        return (Map<String, Object>) ((Map<String, Object>) m.get("files")).get(file);
    }

    @ParameterizedTest
    @CsvSource({"MANIFEST.json, tiny-llama3-Q4_0.gguf", "zoo/MANIFEST.json, zoo/zoo-Q4_K.gguf"})
    @SuppressWarnings("unchecked")
    void metadataMatchesTheManifest(String manifest, String file) throws IOException {
        Map<String, Object> entry = manifestEntry(manifest, file.replace("zoo/", ""));
        try (GgufFile f = GgufFile.open(MODELS.resolve(file))) {
            assertThat((long) f.version()).isEqualTo(entry.get("gguf_version"));
            Map<String, Object> meta = (Map<String, Object>) entry.get("metadata");
            assertThat(meta).isNotEmpty();
            for (var e : meta.entrySet()) {
                assertThat(f.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(f.requireArchitecture()).isEqualTo("llama");
        }
    }

    @ParameterizedTest
    @CsvSource({"MANIFEST.json, tiny-llama3-Q4_0.gguf", "zoo/MANIFEST.json, zoo/zoo-Q4_K.gguf"})
    @SuppressWarnings("unchecked")
    void tensorTypesShapesAndSizesMatchTheManifest(String manifest, String file) throws IOException {
        Map<String, Object> entry = manifestEntry(manifest, file.replace("zoo/", ""));
        Map<String, Object> tensors = (Map<String, Object>) entry.get("tensors");
        try (GgufFile f = GgufFile.open(MODELS.resolve(file))) {
            assertThat(f.tensors().keySet()).containsExactlyInAnyOrderElementsOf(tensors.keySet());
            for (var e : tensors.entrySet()) {
                Map<String, Object> t = (Map<String, Object>) e.getValue();
                GgufFile.TensorInfo info = f.requireTensor(e.getKey());
                assertThat(info.type()).as(e.getKey()).isEqualTo(GgmlType.valueOf((String) t.get("type")));
                List<Object> shape = (List<Object>) t.get("shape_ggml");
                assertThat(info.ne()).as(e.getKey()).containsExactly(shape.stream().mapToLong(o -> (Long) o).toArray());
                assertThat(info.byteSize()).as(e.getKey()).isEqualTo(t.get("n_bytes"));
                assertThat(f.tensor(e.getKey()).data().byteSize()).isEqualTo(t.get("n_bytes"));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny-llama3-Q4_0.gguf, 128256", "zoo/zoo-Q4_K.gguf, 768"})
    void tokenizerArraysHaveOneEntryPerToken(String file, int vocab) {
        try (GgufFile f = GgufFile.open(MODELS.resolve(file))) {
            assertThat((String[]) f.get("tokenizer.ggml.tokens")).hasSize(vocab);
            assertThat((int[]) f.get("tokenizer.ggml.token_type")).hasSize(vocab);
            assertThat(f.requireString("tokenizer.chat_template")).contains("<|start_header_id|>");
        }
    }
}
