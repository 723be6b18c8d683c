package dev.cria.loader;

import dev.cria.io.hf.HfLlamaConfig;
import dev.cria.io.hf.HfModelFolder;
import dev.cria.model.LlamaConfig;
import dev.cria.model.LlamaWeights;
import dev.cria.tensor.TensorData;
import dev.cria.tokenizer.Tokenizer;
import dev.cria.util.ModelFormatException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.cria.util.ModelFormatException.quote;

/** A Hugging Face Llama folder (config.json + safetensors + tokenizer.json) as config, weights and tokenizer. */
final class HfLlama implements TensorSource {
    private final HfModelFolder folder;

    /** The config.json key each {@link LlamaConfig} component comes from, for error messages. */
    static final Map<String, String> CONFIG_JSON_KEYS = Map.ofEntries(
            Map.entry("embeddingLength", "hidden_size"),
            Map.entry("blockCount", "num_hidden_layers"),
            Map.entry("headCount", "num_attention_heads"),
            Map.entry("headCountKv", "num_key_value_heads"),
            Map.entry("headDim", "head_dim"),
            Map.entry("feedForwardLength", "intermediate_size"),
            Map.entry("vocabSize", "vocab_size"),
            Map.entry("contextLength", "max_position_embeddings"),
            Map.entry("rmsEpsilon", "rms_norm_eps"),
            Map.entry("ropeFreqBase", "rope_theta"),
            Map.entry("ropeFreqFactors", "rope_scaling"));

    private HfLlama(HfModelFolder folder) {
        this.folder = folder;
    }

    @Override
    public String fileName() {
        return folder.dir().getFileName().toString();
    }

    @Override
    public boolean has(String name) {
        return folder.hasTensor(name);
    }

    @Override
    public TensorData get(String name) {
        return folder.tensor(name);
    }

    static ModelLoader.Weights load(Path dir, LoadProgress progress) {
        PhaseReport mapping = PhaseReport.start(progress, LoadPhase.MAPPING, ModelLoader.modelBytes(dir));
        HfModelFolder folder = HfModelFolder.open(dir);
        try {
            HfLlama src = new HfLlama(folder);
            LlamaConfig c = src.config();
            mapping.finish();
            LlamaWeights w = src.llamaWeights(c, progress);
            String name = dir.toAbsolutePath().normalize().getFileName().toString();
            return new ModelLoader.Weights(c, w, name, name + " " + w.output().type(), folder);
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    static Tokenizer tokenizer(Path dir, LoadProgress progress) {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) throw new ModelFormatException(dir.getFileName() + ": no tokenizer.json");
        PhaseReport reading = PhaseReport.start(progress, LoadPhase.TOKENIZER, ModelLoader.bytes(json));
        Tokenizer t = Tokenizer.fromHfTokenizerJson(json);
        reading.finish();
        return t;
    }

    private LlamaConfig config() {
        HfLlamaConfig h = folder.config();
        float[] freqs = null;
        HfLlamaConfig.RopeScaling s = h.ropeScaling();
        if (s != null) {
            if (!"llama3".equals(s.ropeType())) {
                throw new ModelFormatException(fileName() + ": rope_scaling type " + quote(s.ropeType()) + " is not supported (supported: llama3)");
            }
            freqs = LlamaConfig.llama3FreqFactors(h.headDim(), h.ropeTheta(), s.factor(), s.lowFreqFactor(),
                    s.highFreqFactor(), s.originalMaxPositionEmbeddings());
        }
        try {
            // HF q/k rows are in rotate-half order (see HfModelFolder.ropeRotateHalf): RoPE pairs x[i] with x[i + d/2].
            return new LlamaConfig(h.hiddenSize(), h.numHiddenLayers(), h.numAttentionHeads(), h.numKeyValueHeads(),
                    h.headDim(), h.intermediateSize(), h.vocabSize(), h.maxPositionEmbeddings(), (float) h.rmsNormEps(),
                    h.ropeTheta(), freqs, folder.ropeRotateHalf());
        } catch (LlamaConfig.InvalidHyperparameterException e) {
            // rope_theta is checked before rope_scaling's factors, which are computed from it.
            throw new ModelFormatException(fileName() + "/config.json: " + e.message(CONFIG_JSON_KEYS::get));
        }
    }
}
