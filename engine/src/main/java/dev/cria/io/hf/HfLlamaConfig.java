package dev.cria.io.hf;

import dev.cria.util.ModelFormatException;
import dev.cria.util.StrictJson;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Llama {@code config.json} (transformers {@code LlamaConfig}), with the eos ids of
 * {@code generation_config.json} merged in. Field names follow the JSON keys.
 *
 * @param numKeyValueHeads  {@code num_key_value_heads}; defaults to {@code num_attention_heads} (as transformers does)
 * @param headDim           {@code head_dim}; defaults to {@code hidden_size / num_attention_heads}
 * @param rmsNormEps        {@code rms_norm_eps}; default 1e-6 (transformers LlamaConfig)
 * @param ropeTheta         {@code rope_theta}; default 10000
 * @param ropeScaling       {@code rope_scaling}, or null when absent
 * @param maxPositionEmbeddings {@code max_position_embeddings}; default 2048
 * @param tieWordEmbeddings {@code tie_word_embeddings}; default false (LlamaConfig's default)
 * @param bosTokenId        {@code bos_token_id} of config.json, else of generation_config.json, else -1
 * @param eosTokenIds       union of {@code eos_token_id} (an int or a list) of config.json then generation_config.json
 * @param torchDtype        {@code torch_dtype} (newer transformers write {@code dtype}), or null
 */
public record HfLlamaConfig(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                            int numKeyValueHeads, int headDim, int vocabSize, double rmsNormEps, double ropeTheta,
                            RopeScaling ropeScaling, int maxPositionEmbeddings, boolean tieWordEmbeddings,
                            int bosTokenId, int[] eosTokenIds, String torchDtype) {

    /**
     * {@code rope_scaling}. For {@code rope_type} "llama3" (transformers
     * {@code _compute_llama3_parameters}) all four numbers are required; for other types an absent
     * number is NaN (factor) or 0 (original_max_position_embeddings) and the model decides.
     */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor,
                              int originalMaxPositionEmbeddings, String ropeType) {
    }

    /** The architecture (config.json {@code architectures}) this reader accepts. */
    static final String ARCHITECTURE = "LlamaForCausalLM";
    /** The {@code model_type} this reader accepts. */
    static final String MODEL_TYPE = "llama";
    /** {@code torch_dtype} values whose safetensors dtypes (F32, F16, BF16) {@link SafetensorsFile} maps. */
    static final Set<String> DTYPES = Set.of("float32", "float16", "bfloat16");

    /**
     * Reads the parsed config.json (and generation_config.json, or null); {@code where} prefixes errors
     * (e.g. "tiny-llama3/config.json").
     */
    static HfLlamaConfig of(Map<String, Object> config, Map<String, Object> generation, String where) {
        Fields f = new Fields(config, where);
        checkLlama(f);
        int hidden = f.positiveInt("hidden_size");
        int heads = f.positiveInt("num_attention_heads");
        int kvHeads = f.has("num_key_value_heads") ? f.positiveInt("num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw f.fail("num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int headDim;
        if (f.has("head_dim")) {
            headDim = f.positiveInt("head_dim");
        } else if (hidden % heads == 0) {
            headDim = hidden / heads;
        } else {
            throw f.fail("hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads + " and head_dim is absent");
        }
        if (headDim % 2 != 0) throw f.fail("head_dim " + headDim + " is odd (RoPE rotates pairs)");

        Set<Integer> eos = new LinkedHashSet<>();
        f.addIds("eos_token_id", eos);
        int bos = f.has("bos_token_id") ? f.positiveOrZeroInt("bos_token_id") : -1;
        if (generation != null) {
            Fields g = new Fields(generation, where.replace("config.json", "generation_config.json"));
            g.addIds("eos_token_id", eos);
            if (bos < 0 && g.has("bos_token_id")) bos = g.positiveOrZeroInt("bos_token_id");
        }
        String dtype = dtype(f);
        return new HfLlamaConfig(hidden, f.positiveInt("intermediate_size"), f.positiveInt("num_hidden_layers"), heads,
                kvHeads, headDim, f.positiveInt("vocab_size"), f.number("rms_norm_eps", 1e-6), f.number("rope_theta", 10000),
                ropeScaling(f), f.has("max_position_embeddings") ? f.positiveInt("max_position_embeddings") : 2048,
                f.bool("tie_word_embeddings", false), bos, eos.stream().mapToInt(Integer::intValue).toArray(),
                dtype);
    }

    /**
     * A config that names another architecture or model type is another model: its weights would load
     * under Llama's names and generate garbage, so it is refused. Both keys are checked when present
     * (transformers writes both); one of them must be.
     */
    private static void checkLlama(Fields f) {
        Object arch = f.map.get("architectures");
        Object modelType = f.map.get("model_type");
        if (arch == null && modelType == null) {
            throw f.fail("neither 'architectures' nor 'model_type' is given (supported: " + ARCHITECTURE + ", model_type '"
                    + MODEL_TYPE + "')");
        }
        if (arch != null && !(arch instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(ARCHITECTURE::equals))) {
            throw f.fail("key 'architectures' is " + StrictJson.brief(arch, 80) + "; only [\"" + ARCHITECTURE + "\"] is supported");
        }
        if (modelType != null && !MODEL_TYPE.equals(modelType)) {
            throw f.fail("key 'model_type' is " + StrictJson.brief(modelType, 80) + "; only \"" + MODEL_TYPE + "\" is supported");
        }
    }

    /** {@code torch_dtype} (newer transformers: {@code dtype}), or null; only dtypes the loader reads. */
    private static String dtype(Fields f) {
        String key = f.has("torch_dtype") ? "torch_dtype" : "dtype";
        Object v = f.map.get(key);
        if (v == null) return null;
        if (!(v instanceof String s) || !DTYPES.contains(s)) {
            throw f.fail("key '" + key + "' is " + StrictJson.brief(v, 80) + "; supported: float32, float16, bfloat16");
        }
        return s;
    }

    private static RopeScaling ropeScaling(Fields config) {
        if (!(config.map.get("rope_scaling") instanceof Map<?, ?> raw)) {
            if (config.has("rope_scaling")) throw config.fail("rope_scaling is not an object");
            return null;
        }
        @SuppressWarnings("unchecked")
        Fields f = new Fields((Map<String, Object>) raw, config.where + ": rope_scaling");
        Object t = raw.containsKey("rope_type") ? raw.get("rope_type") : raw.get("type"); // "type" before transformers 4.45
        String type = t instanceof String s ? s : "default";
        if (type.equals("llama3")) {
            return new RopeScaling(f.number("factor"), f.number("low_freq_factor"), f.number("high_freq_factor"),
                    f.positiveInt("original_max_position_embeddings"), type);
        }
        return new RopeScaling(f.number("factor", Double.NaN), f.number("low_freq_factor", Double.NaN),
                f.number("high_freq_factor", Double.NaN),
                f.has("original_max_position_embeddings") ? f.positiveInt("original_max_position_embeddings") : 0, type);
    }

    /** Typed access to one JSON object, with errors naming the file and key. */
    private record Fields(Map<String, Object> map, String where) {
        boolean has(String key) {
            return map.get(key) != null;
        }

        ModelFormatException fail(String what) {
            return new ModelFormatException(where + ": " + what);
        }

        private Object require(String key) {
            Object v = map.get(key);
            if (v == null) throw fail("missing required key '" + key + "'");
            return v;
        }

        int positiveInt(String key) {
            Object v = require(key);
            if (v instanceof Long l && l > 0 && l <= Integer.MAX_VALUE) return (int) (long) l;
            throw fail("key '" + key + "' must be a positive integer, got " + StrictJson.brief(v, 80));
        }

        int positiveOrZeroInt(String key) {
            Object v = require(key);
            if (v instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) return (int) (long) l;
            throw fail("key '" + key + "' must be a token id, got " + StrictJson.brief(v, 80));
        }

        double number(String key) {
            if (require(key) instanceof Number n) return n.doubleValue();
            throw fail("key '" + key + "' must be a number, got " + StrictJson.brief(map.get(key), 80));
        }

        double number(String key, double fallback) {
            return has(key) ? number(key) : fallback;
        }

        boolean bool(String key, boolean fallback) {
            Object v = map.get(key);
            if (v == null) return fallback;
            if (v instanceof Boolean b) return b;
            throw fail("key '" + key + "' must be true or false, got " + StrictJson.brief(v, 80));
        }

        /** Adds an id or a list of ids (transformers allows both for eos_token_id). */
        void addIds(String key, Set<Integer> out) {
            Object v = map.get(key);
            if (v == null) return;
            for (Object id : v instanceof List<?> list ? list : List.of(v)) {
                if (!(id instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) throw fail("key '" + key + "' must be token ids, got " + StrictJson.brief(v, 80));
                out.add((int) (long) l);
            }
        }
    }
}
