package dev.cria.io.hf;

import dev.cria.tensor.TensorData;
import dev.cria.util.ModelFormatException;
import dev.cria.util.StrictJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face Llama folder: {@code config.json}, optional {@code generation_config.json}, and
 * the weights in {@code model.safetensors} or in shards listed by {@code model.safetensors.index.json}
 * ({@code weight_map}: tensor name → shard file). Tensors are served under their GGUF names
 * (llama.cpp {@code convert_hf_to_gguf.py} / gguf-py {@code tensor_mapping.py}) with ggml dims, as
 * mapped slices: nothing is copied, permuted or converted.
 */
public final class HfModelFolder implements AutoCloseable {
    static final String CONFIG = "config.json";
    static final String GENERATION_CONFIG = "generation_config.json";
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private static final Map<String, String> GLOBAL_NAMES = Map.of(
            "token_embd.weight", "model.embed_tokens.weight",
            "output_norm.weight", "model.norm.weight",
            "output.weight", "lm_head.weight");
    private static final Map<String, String> BLOCK_NAMES = Map.of(
            "attn_norm", "input_layernorm",
            "ffn_norm", "post_attention_layernorm",
            "attn_q", "self_attn.q_proj",
            "attn_k", "self_attn.k_proj",
            "attn_v", "self_attn.v_proj",
            "attn_output", "self_attn.o_proj",
            "ffn_gate", "mlp.gate_proj",
            "ffn_up", "mlp.up_proj",
            "ffn_down", "mlp.down_proj");
    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.(\\w+)\\.weight");

    private final Path dir;
    private final HfLlamaConfig config;
    private final List<SafetensorsFile> files;
    /** HF tensor name → the file that holds it. */
    private final Map<String, SafetensorsFile> byName;

    private HfModelFolder(Path dir, HfLlamaConfig config, List<SafetensorsFile> files, Map<String, SafetensorsFile> byName) {
        this.dir = dir;
        this.config = config;
        this.files = files;
        this.byName = byName;
    }

    /** Reads the configs and maps the weights; every problem is a {@link ModelFormatException} with one clear line. */
    public static HfModelFolder open(Path dir) {
        String name = String.valueOf(dir.getFileName());
        if (!Files.isDirectory(dir)) throw new ModelFormatException(dir + ": no such folder");
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new ModelFormatException(dir + ": no " + CONFIG + " (not a Hugging Face model folder)");
        }
        Map<String, Object> generation = Files.isRegularFile(dir.resolve(GENERATION_CONFIG))
                ? readJson(dir.resolve(GENERATION_CONFIG), name) : null;
        HfLlamaConfig config = HfLlamaConfig.of(readJson(dir.resolve(CONFIG), name), generation, name + "/" + CONFIG);

        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            if (Files.isRegularFile(dir.resolve(SINGLE))) {
                SafetensorsFile f = SafetensorsFile.open(dir.resolve(SINGLE));
                files.add(f);
                for (String t : f.names()) byName.put(t, f);
            } else if (Files.isRegularFile(dir.resolve(INDEX))) {
                openShards(dir, name + "/" + INDEX, readJson(dir.resolve(INDEX), name), files, byName);
            } else {
                throw new ModelFormatException(dir + ": no " + SINGLE + " or " + INDEX);
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new HfModelFolder(dir, config, files, byName);
    }

    /** Opens every shard the index's {@code weight_map} names and checks each listed tensor is in its shard. */
    private static void openShards(Path dir, String where, Map<String, Object> index, List<SafetensorsFile> files,
                                   Map<String, SafetensorsFile> byName) {
        if (!(index.get("weight_map") instanceof Map<?, ?> weightMap)) throw new ModelFormatException(where + ": no weight_map");
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (var e : weightMap.entrySet()) {
            String tensor = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof String shard) || shard.isEmpty() || shard.contains("/") || shard.contains("\\")
                    || shard.startsWith(".")) {
                throw new ModelFormatException(where + ": tensor '" + tensor + "' maps to " + e.getValue()
                        + ", not a file name in the folder");
            }
            SafetensorsFile f = shards.get(shard);
            if (f == null) {
                if (!Files.isRegularFile(dir.resolve(shard))) {
                    throw new ModelFormatException(where + ": shard '" + shard + "' (holding '" + tensor + "') is missing");
                }
                f = SafetensorsFile.open(dir.resolve(shard));
                files.add(f);
                shards.put(shard, f);
            }
            if (!f.has(tensor)) {
                throw new ModelFormatException(where + ": shard '" + shard + "' does not contain tensor '" + tensor + "'");
            }
            byName.put(tensor, f);
        }
    }

    private static Map<String, Object> readJson(Path file, String folder) {
        return StrictJson.readObjectFile(file, folder + "/" + file.getFileName());
    }

    /**
     * The Hugging Face name of a GGUF tensor name, or null when HF has no such tensor
     * (e.g. {@code rope_freqs.weight}: HF derives llama3 scaling from {@code rope_scaling}).
     */
    public static String hfName(String ggufName) {
        String global = GLOBAL_NAMES.get(ggufName);
        if (global != null) return global;
        Matcher m = BLOCK.matcher(ggufName);
        if (!m.matches()) return null;
        String part = BLOCK_NAMES.get(m.group(2));
        return part == null ? null : "model.layers." + m.group(1) + "." + part + ".weight";
    }

    public Path dir() {
        return dir;
    }

    public HfLlamaConfig config() {
        return config;
    }

    /** Whether the folder holds this tensor; {@code output.weight} is absent when the embeddings are tied. */
    public boolean hasTensor(String ggufName) {
        String hf = hfName(ggufName);
        return hf != null && byName.containsKey(hf);
    }

    /**
     * The tensor under its GGUF name, with ggml dims: HF {@code [out, in]} is {@code ne = [in, out]}, the
     * same bytes. Missing → "missing required tensor 'blk.0.attn_q.weight' (Hugging Face name '...')".
     */
    public TensorData tensor(String ggufName) {
        String hf = hfName(ggufName);
        SafetensorsFile f = hf == null ? null : byName.get(hf);
        if (f == null) {
            throw new ModelFormatException(dir.getFileName() + ": missing required tensor '" + ggufName + "' ("
                    + (hf == null ? "no Hugging Face equivalent" : "Hugging Face name '" + hf + "'") + ")");
        }
        return f.tensor(hf, ggufName);
    }

    /**
     * True: {@code attn_q} / {@code attn_k} rows here are in Hugging Face's rotate-half order, so the
     * model must apply RoPE to the pairs {@code (i, i + head_dim/2)} of each head ("NEOX style",
     * transformers {@code rotate_half}), where GGUF weights take adjacent pairs {@code (2i, 2i+1)}
     * (llama.cpp {@code LLAMA_ROPE_TYPE_NORM}). GGUF's rows are HF's permuted per head
     * (testdata/golden/README.md, "q/k permutation": GGUF row {@code h*d + 2i} = HF row {@code h*d + i},
     * GGUF row {@code h*d + 2i+1} = HF row {@code h*d + d/2 + i}); rotating the matching pairs gives the
     * same attention scores, so the weights are used as stored, without a permuted copy.
     */
    public boolean ropeRotateHalf() {
        return true;
    }

    /** Unmaps every file; tensors taken from this folder must not be used afterwards. */
    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
