package dev.cria.api;

import java.nio.file.Path;

/** The bundled random-weight model: real shapes and tokenizer, gibberish answers. */
final class TinyModel {
    static final Path PATH = Path.of(System.getProperty("cria.testdata", "testdata"), "models/tiny-llama3-Q8_0.gguf");

    private TinyModel() {
    }

    static Cria open() {
        return Cria.builder().model(PATH).contextSize(2048).threads(2).parallel(4).build();
    }
}
