package dev.cria.loader;

import dev.cria.io.gguf.GgufFile;
import dev.cria.model.LlamaConfig;
import dev.cria.tensor.TensorData;
import dev.cria.util.ModelFormatException;

import java.util.HashMap;
import java.util.Map;

/** A GGUF file's Llama config (keys as llama.cpp's convert_hf_to_gguf.py writes them) and tensors. */
final class GgufLlama implements TensorSource {
    private final GgufFile f;

    GgufLlama(GgufFile f) {
        this.f = f;
    }

    @Override
    public String fileName() {
        return f.path().getFileName().toString();
    }

    @Override
    public boolean has(String name) {
        return f.tensors().containsKey(name);
    }

    @Override
    public TensorData get(String name) {
        return f.tensor(name);
    }

    /**
     * The config from the {@code llama.*} keys, with llama.cpp's defaults for the optional ones
     * (llm_load_hparams: head_count_kv = head_count, key_length = embedding_length / head_count);
     * a value out of range fails naming the file and its key.
     */
    LlamaConfig config() {
        f.requireArchitecture("llama");
        Map<String, String> keys = new HashMap<>(LlamaConfig.GGUF_KEYS);
        int dim = f.requireInt("llama.embedding_length");
        int heads = f.requireInt("llama.attention.head_count");
        int headsKv = f.getInt("llama.attention.head_count_kv", heads);
        int headDim;
        if (f.has("llama.attention.key_length")) {
            headDim = f.requireInt("llama.attention.key_length");
        } else if (heads > 0 && dim % heads != 0) {
            throw new ModelFormatException(fileName() + ": llama.embedding_length " + dim + " is not a multiple of "
                    + "llama.attention.head_count " + heads + " and llama.attention.key_length is absent");
        } else {
            headDim = heads > 0 ? dim / heads : 0; // heads <= 0: LlamaConfig names llama.attention.head_count
        }
        int vocab;
        if (f.has("llama.vocab_size")) {
            vocab = f.requireInt("llama.vocab_size");
        } else if (f.get("tokenizer.ggml.tokens") instanceof String[] t) {
            vocab = t.length;
            keys.put("vocabSize", "the length of tokenizer.ggml.tokens");
        } else {
            long[] ne = f.requireTensor("token_embd.weight").ne();
            vocab = ne.length > 1 ? (int) Math.min(ne[1], Integer.MAX_VALUE) : 0;
            keys.put("vocabSize", "the row count of token_embd.weight");
        }
        try {
            LlamaConfig c = new LlamaConfig(dim, f.requireInt("llama.block_count"), heads, headsKv, headDim,
                    f.requireInt("llama.feed_forward_length"), vocab, f.getInt("llama.context_length", 8192),
                    (float) f.getNumber("llama.attention.layer_norm_rms_epsilon", 1e-5),
                    f.getNumber("llama.rope.freq_base", 10000.0), null, false);
            // rope_freqs.weight: the per-frequency divisors of Llama 3 RoPE scaling, never hard-coded.
            return has("rope_freqs.weight") ? c.withRopeFreqFactors(vector("rope_freqs.weight", headDim / 2)) : c;
        } catch (LlamaConfig.InvalidHyperparameterException e) {
            throw new ModelFormatException(fileName() + ": " + e.message(keys::get));
        }
    }
}
