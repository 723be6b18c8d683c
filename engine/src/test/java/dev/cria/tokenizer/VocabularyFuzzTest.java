package dev.cria.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cria.util.ModelFormatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Arbitrary tokenizer.json (with arbitrary sibling tokenizer_config.json and generation_config.json,
 * which the reader consults for BOS and EOS): {@link Tokenizer#fromHfTokenizerJson} gives a tokenizer
 * that can encode and decode, or throws {@link ModelFormatException}; nothing else. The seed is a
 * minimal valid byte-level vocabulary with the Llama 3 Split regex, which the reader demands verbatim.
 */
class VocabularyFuzzTest {
    private static Path dir;

    private static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("tokenizer-json-fuzz");
            dir.toFile().deleteOnExit();
            for (String name : new String[]{"tokenizer.json", "tokenizer_config.json", "generation_config.json"}) {
                dir.resolve(name).toFile().deleteOnExit();
            }
        }
        return dir;
    }

    /**
     * The input is up to three NUL-separated UTF-8 texts (JSON never holds a raw NUL, so seeds are
     * readable files): tokenizer.json, then tokenizer_config.json, then generation_config.json; a
     * missing part is a missing file.
     */
    @FuzzTest(maxDuration = "60s")
    void readArbitraryTokenizerJson(byte[] input) throws IOException {
        Path d = dir();
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\0", 3);
        sibling(d.resolve("tokenizer_config.json"), parts.length >= 2 ? parts[1] : null);
        sibling(d.resolve("generation_config.json"), parts.length == 3 ? parts[2] : null);
        Path json = d.resolve("tokenizer.json");
        Files.writeString(json, parts[0], StandardCharsets.UTF_8);
        Tokenizer t;
        try {
            t = Tokenizer.fromHfTokenizerJson(json);
        } catch (ModelFormatException expected) {
            return; // the documented failure
        }
        // A vocabulary that loaded must serve: every id encode gives is one decode takes.
        t.decode(t.encode("Hello, world! 123 <|eot_id|>", true));
        t.decode(t.encode("Hello, world! 123 <|eot_id|>", false));
    }

    private static void sibling(Path p, String text) throws IOException {
        if (text == null) Files.deleteIfExists(p);
        else Files.writeString(p, text, StandardCharsets.UTF_8);
    }
}
