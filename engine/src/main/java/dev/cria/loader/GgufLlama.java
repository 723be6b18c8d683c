package dev.cria.loader;

import dev.cria.io.gguf.GgufFile;
import dev.cria.model.LlamaConfig;
import dev.cria.tensor.TensorData;
import dev.cria.util.ModelFormatException;

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

    LlamaConfig config() {
        f.requireArchitecture("llama");
        int dim = (int) f.requireLong("llama.embedding_length");
        int heads = (int) f.requireLong("llama.attention.head_count");
        int headsKv = (int) f.getLong("llama.attention.head_count_kv", heads);
        int headDim = (int) f.getLong("llama.attention.key_length", dim / heads);
        int vocab = (int) f.getLong("llama.vocab_size", -1);
        if (vocab < 0) {
            vocab = f.get("tokenizer.ggml.tokens") instanceof String[] t ? t.length
                    : (int) f.requireTensor("token_embd.weight").ne()[1];
        }
        // rope_freqs.weight: the per-frequency divisors of Llama 3 RoPE scaling, never hard-coded.
        float[] freqs = has("rope_freqs.weight") ? vector("rope_freqs.weight", headDim / 2) : null;
        try {
            return new LlamaConfig(dim, (int) f.requireLong("llama.block_count"), heads, headsKv, headDim,
                    (int) f.requireLong("llama.feed_forward_length"), vocab,
                    (int) f.getLong("llama.context_length", 8192),
                    (float) f.getDouble("llama.attention.layer_norm_rms_epsilon", 1e-5),
                    f.getDouble("llama.rope.freq_base", 10000.0), freqs, false);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(fileName() + ": " + e.getMessage());
        }
    }
}
