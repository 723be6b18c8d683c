package dev.cria.loader;

import dev.cria.io.gguf.GgufFile;
import dev.cria.tokenizer.Tokenizer;
import dev.cria.tokenizer.Vocabulary;
import dev.cria.util.ModelFormatException;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code tokenizer.ggml.*} keys of a llama.cpp GGUF (llama-vocab.cpp {@code llama_vocab::impl::load})
 * read into the plain arrays of a {@link Vocabulary}: the tokenizer itself knows no file format.
 */
final class GgufTokenizerKeys {
    /** GGUF {@code tokenizer.ggml.pre} values that name the Llama 3 pre-tokenizer (llama-vocab.cpp). */
    private static final Set<String> LLAMA3_PRE = Set.of("llama-bpe", "llama3", "llama-v3");

    private GgufTokenizerKeys() {
    }

    /**
     * The tokenizer the file's keys describe. Every problem is a {@link ModelFormatException} whose
     * one line names the file: the key's, or the vocabulary's ("t.gguf: tokenizer: eos id 999 outside
     * the vocabulary"), which {@link Vocabulary} and {@link Tokenizer} check without knowing the file.
     */
    static Tokenizer tokenizer(GgufFile gguf) {
        String file = gguf.path().getFileName().toString();
        String model = gguf.requireString("tokenizer.ggml.model");
        if (!model.equals("gpt2")) {
            throw new ModelFormatException(file + ": tokenizer.ggml.model is '" + model + "'; only 'gpt2' (Llama 3 byte-level BPE) is supported");
        }
        String pre = gguf.getString("tokenizer.ggml.pre", null);
        if (pre == null || !LLAMA3_PRE.contains(pre)) {
            throw new ModelFormatException(file + ": tokenizer.ggml.pre is " + (pre == null ? "missing" : "'" + pre + "'")
                    + "; only the Llama 3 pre-tokenizer ('llama-bpe') is supported");
        }
        if (!(gguf.require("tokenizer.ggml.tokens") instanceof String[] tokens)) {
            throw new ModelFormatException(file + ": tokenizer.ggml.tokens is not an array of strings");
        }
        int[] types;
        Object t = gguf.get("tokenizer.ggml.token_type");
        if (t == null) {
            types = new int[tokens.length];
            Arrays.fill(types, Vocabulary.NORMAL);
        } else if (t instanceof int[] a) {
            types = a;
        } else {
            throw new ModelFormatException(file + ": tokenizer.ggml.token_type is not an array of integers");
        }
        if (!(gguf.require("tokenizer.ggml.merges") instanceof String[] merges)) {
            throw new ModelFormatException(file + ": tokenizer.ggml.merges is not an array of strings");
        }
        // The ids are u32 keys that llama.cpp stores into a 32-bit llama_token: the int cast wraps as it
        // does, so 0xFFFFFFFF is -1, LLAMA_TOKEN_NULL (no such token), which some converters write.
        int bos = (int) gguf.getLong("tokenizer.ggml.bos_token_id", -1);
        Set<Integer> eos = new LinkedHashSet<>();
        for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            int id = (int) gguf.getLong(key, -1);
            if (id >= 0) eos.add(id);
        }
        boolean addBos = gguf.getBool("tokenizer.ggml.add_bos_token", bos >= 0);
        try {
            // ignore_merges: llama.cpp does the whole-word lookup for pre-tokenizer llama-bpe.
            return new Tokenizer(new Vocabulary(tokens, types, merges, bos, eos.stream().mapToInt(Integer::intValue).toArray(),
                    addBos, true));
        } catch (ModelFormatException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }
}
