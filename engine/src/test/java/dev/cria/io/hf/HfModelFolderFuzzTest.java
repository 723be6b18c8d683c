package dev.cria.io.hf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cria.util.ModelFormatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Arbitrary config.json and generation_config.json (and, for a sharded folder, an arbitrary
 * model.safetensors.index.json) beside a valid one-tensor model.safetensors: {@link HfModelFolder#open}
 * gives a folder whose config holds what {@link HfLlamaConfig} promises (positive sizes, heads a
 * multiple of kv heads, an even head_dim), or throws {@link ModelFormatException}; nothing else.
 * Goes through the public entry point, so it keeps fuzzing the same code whichever JSON parser sits
 * under it.
 */
class HfModelFolderFuzzTest {
    private static Path single;
    private static Path sharded;

    /** Two folders, rewritten for every input: one with model.safetensors, one with an index and a shard. */
    private static synchronized void folders() throws IOException {
        if (single != null) return;
        single = Files.createTempDirectory("hf-fuzz-single");
        sharded = Files.createTempDirectory("hf-fuzz-sharded");
        SafetensorsTestFiles.Tensor t = SafetensorsTestFiles.Tensor.f32("model.norm.weight", new long[]{2}, 1f, 2f);
        SafetensorsTestFiles.write(single.resolve(HfModelFolder.SINGLE), List.of(t));
        SafetensorsTestFiles.write(sharded.resolve("model-00001-of-00001.safetensors"), List.of(t));
        for (Path dir : List.of(single, sharded)) {
            dir.toFile().deleteOnExit();
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
            for (String name : List.of(HfModelFolder.CONFIG, HfModelFolder.GENERATION_CONFIG, HfModelFolder.INDEX)) {
                dir.resolve(name).toFile().deleteOnExit();
            }
        }
    }

    /**
     * The input is up to three NUL-separated UTF-8 texts (JSON never holds a raw NUL, so seeds are
     * readable files): config.json, then generation_config.json (absent when there is no second part),
     * then model.safetensors.index.json (with a third part the folder is the sharded one).
     */
    @FuzzTest(maxDuration = "60s")
    void openArbitraryConfigs(byte[] input) throws IOException {
        folders();
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\0", 3);
        Path dir = parts.length == 3 ? sharded : single;
        Files.writeString(dir.resolve(HfModelFolder.CONFIG), parts[0], StandardCharsets.UTF_8);
        Path gen = dir.resolve(HfModelFolder.GENERATION_CONFIG);
        if (parts.length >= 2) Files.writeString(gen, parts[1], StandardCharsets.UTF_8);
        else Files.deleteIfExists(gen);
        if (parts.length == 3) Files.writeString(dir.resolve(HfModelFolder.INDEX), parts[2], StandardCharsets.UTF_8);
        try (HfModelFolder f = HfModelFolder.open(dir)) {
            HfLlamaConfig c = f.config();
            if (c.hiddenSize() <= 0 || c.numAttentionHeads() <= 0 || c.numKeyValueHeads() <= 0
                    || c.numAttentionHeads() % c.numKeyValueHeads() != 0 || c.headDim() <= 0 || c.headDim() % 2 != 0
                    || c.vocabSize() <= 0 || c.numHiddenLayers() <= 0 || c.intermediateSize() <= 0) {
                throw new AssertionError("config accepted with impossible sizes: " + c);
            }
            f.hasTensor("output_norm.weight");
        } catch (ModelFormatException expected) {
            // the documented failure
        }
    }
}
