package dev.cria.io.hf;

import dev.cria.io.hf.SafetensorsTestFiles.Tensor;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.TensorData;
import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.cria.io.hf.SafetensorsTestFiles.config;
import static dev.cria.io.hf.SafetensorsTestFiles.writeString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Hugging Face folder reader on the real tiny-llama3 folder and on folders built in the test. */
class HfModelFolderTest {
    private static final Path TINY = Path.of(System.getProperty("cria.testdata")).resolve("models/tiny-llama3");
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Every GGUF name a 2-layer Llama has, except output.weight (tied) and rope_freqs.weight (GGUF only). */
    private static List<String> tinyGgufNames() {
        List<String> names = new ArrayList<>(List.of("token_embd.weight", "output_norm.weight"));
        for (int b = 0; b < 2; b++) {
            for (String t : List.of("attn_norm", "ffn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")) {
                names.add("blk." + b + "." + t + ".weight");
            }
        }
        return names;
    }

    @TempDir
    Path dir;

    @Test
    void readsTheTinyLlama3Config() {
        try (HfModelFolder f = HfModelFolder.open(TINY)) {
            HfLlamaConfig c = f.config();
            assertThat(c.hiddenSize()).isEqualTo(64);
            assertThat(c.intermediateSize()).isEqualTo(192);
            assertThat(c.numHiddenLayers()).isEqualTo(2);
            assertThat(c.numAttentionHeads()).isEqualTo(4);
            assertThat(c.numKeyValueHeads()).isEqualTo(2);
            assertThat(c.headDim()).isEqualTo(16);
            assertThat(c.vocabSize()).isEqualTo(128256);
            assertThat(c.rmsNormEps()).isEqualTo(1e-5);
            assertThat(c.ropeTheta()).isEqualTo(500000.0);
            assertThat(c.ropeScaling()).isEqualTo(new HfLlamaConfig.RopeScaling(32.0, 1.0, 4.0, 8192, "llama3"));
            assertThat(c.maxPositionEmbeddings()).isEqualTo(131072);
            assertThat(c.tieWordEmbeddings()).isTrue();
            assertThat(c.bosTokenId()).isEqualTo(128000);
            assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
            assertThat(c.torchDtype()).isEqualTo("bfloat16");
        }
    }

    @Test
    void servesAll20TinyTensorsUnderGgufNamesWithTiedOutputAbsent() {
        try (HfModelFolder f = HfModelFolder.open(TINY)) {
            for (String name : tinyGgufNames()) {
                assertThat(f.hasTensor(name)).as(name).isTrue();
                assertThat(f.tensor(name).type()).as(name).isEqualTo(GgmlType.BF16);
            }
            assertThat(tinyGgufNames()).hasSize(20);
            assertThat(f.hasTensor("output.weight")).isFalse();
            assertThat(f.hasTensor("rope_freqs.weight")).isFalse();
        }
    }

    @Test
    void hfShapeOutInBecomesGgmlInOut() {
        try (HfModelFolder f = HfModelFolder.open(TINY)) {
            assertThat(f.tensor("token_embd.weight").ne()).containsExactly(64, 128256);
            assertThat(f.tensor("blk.0.ffn_down.weight").ne()).containsExactly(192, 64);
            assertThat(f.tensor("blk.1.ffn_gate.weight").ne()).containsExactly(64, 192);
            assertThat(f.tensor("blk.0.attn_k.weight").ne()).containsExactly(64, 32);
            assertThat(f.tensor("blk.0.attn_norm.weight").ne()).containsExactly(64);
            assertThat(f.tensor("blk.0.attn_q.weight").name()).isEqualTo("blk.0.attn_q.weight");
        }
    }

    @Test
    void namesMapLikeConvertHfToGguf() {
        assertThat(HfModelFolder.hfName("blk.12.attn_output.weight")).isEqualTo("model.layers.12.self_attn.o_proj.weight");
        assertThat(HfModelFolder.hfName("blk.0.ffn_norm.weight")).isEqualTo("model.layers.0.post_attention_layernorm.weight");
        assertThat(HfModelFolder.hfName("blk.3.attn_norm.weight")).isEqualTo("model.layers.3.input_layernorm.weight");
        assertThat(HfModelFolder.hfName("output.weight")).isEqualTo("lm_head.weight");
        assertThat(HfModelFolder.hfName("output_norm.weight")).isEqualTo("model.norm.weight");
        assertThat(HfModelFolder.hfName("rope_freqs.weight")).isNull();
        assertThat(HfModelFolder.hfName("blk.0.attn_qkv.weight")).isNull();
    }

    @Test
    void missingTensorNamesBothNames() {
        try (HfModelFolder f = HfModelFolder.open(TINY)) {
            assertThatThrownBy(() -> f.tensor("output.weight")).isInstanceOf(ModelFormatException.class)
                    .hasMessage("tiny-llama3: missing required tensor 'output.weight' (Hugging Face name 'lm_head.weight')");
            assertThatThrownBy(() -> f.tensor("blk.2.attn_q.weight"))
                    .hasMessage("tiny-llama3: missing required tensor 'blk.2.attn_q.weight' (Hugging Face name 'model.layers.2.self_attn.q_proj.weight')");
            assertThatThrownBy(() -> f.tensor("rope_freqs.weight"))
                    .hasMessage("tiny-llama3: missing required tensor 'rope_freqs.weight' (no Hugging Face equivalent)");
        }
    }

    @Test
    void shardedCopyGivesIdenticalBytesPerTensor() throws IOException {
        Path sharded = Files.createDirectory(dir.resolve("sharded"));
        Files.copy(TINY.resolve("config.json"), sharded.resolve("config.json"));
        Files.copy(TINY.resolve("generation_config.json"), sharded.resolve("generation_config.json"));
        try (SafetensorsFile single = SafetensorsFile.open(TINY.resolve("model.safetensors"))) {
            List<Tensor> first = new ArrayList<>(), second = new ArrayList<>();
            StringBuilder index = new StringBuilder("{\"metadata\": {\"total_size\": 16614016}, \"weight_map\": {");
            for (String name : single.names()) {
                boolean one = first.size() <= second.size();
                SafetensorsFile.Entry e = single.entry(name);
                (one ? first : second).add(new Tensor(name, e.type().name(), e.shape(), single.tensor(name).data().toArray(ValueLayout.JAVA_BYTE)));
                index.append(index.charAt(index.length() - 1) == '{' ? "" : ", ")
                        .append('"').append(name).append("\": \"model-0000").append(one ? 1 : 2).append("-of-00002.safetensors\"");
            }
            SafetensorsTestFiles.write(sharded.resolve("model-00001-of-00002.safetensors"), first);
            SafetensorsTestFiles.write(sharded.resolve("model-00002-of-00002.safetensors"), second);
            writeString(sharded.resolve("model.safetensors.index.json"), index.append("}}").toString());
        }
        try (HfModelFolder a = HfModelFolder.open(TINY); HfModelFolder b = HfModelFolder.open(sharded)) {
            assertThat(b.config()).usingRecursiveComparison().isEqualTo(a.config());
            for (String name : tinyGgufNames()) {
                TensorData x = a.tensor(name), y = b.tensor(name);
                assertThat(y.ne()).as(name).containsExactly(x.ne());
                assertThat(y.data().mismatch(x.data())).as(name).isEqualTo(-1);
            }
        }
    }

    @Test
    void missingShardIsNamed() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        SafetensorsTestFiles.write(dir.resolve("a.safetensors"), List.of(Tensor.f32("model.norm.weight", new long[]{1}, 1)));
        writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"model.norm.weight\": \"a.safetensors\", \"lm_head.weight\": \"b.safetensors\"}}");
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir.getFileName() + "/model.safetensors.index.json: shard 'b.safetensors' (holding 'lm_head.weight') is missing");
    }

    @Test
    void shardThatLacksAListedTensorIsNamed() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        SafetensorsTestFiles.write(dir.resolve("a.safetensors"), List.of(Tensor.f32("model.norm.weight", new long[]{1}, 1)));
        writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"lm_head.weight\": \"a.safetensors\"}}");
        assertThatThrownBy(() -> HfModelFolder.open(dir))
                .hasMessage(dir.getFileName() + "/model.safetensors.index.json: shard 'a.safetensors' does not contain tensor 'lm_head.weight'");
    }

    @Test
    void shardNameOutsideTheFolderIsRejected() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"lm_head.weight\": \"../x.safetensors\"}}");
        assertThatThrownBy(() -> HfModelFolder.open(dir))
                .hasMessageEndingWith("tensor 'lm_head.weight' maps to ../x.safetensors, not a file name in the folder");
    }

    @Test
    void untiedLmHeadIsTheOutputTensor() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ", \"tie_word_embeddings\": false"));
        float[] head = new float[4 * 8];
        for (int i = 0; i < head.length; i++) head[i] = i;
        SafetensorsTestFiles.write(dir.resolve("model.safetensors"), List.of(
                Tensor.f32("model.embed_tokens.weight", new long[]{4, 8}, new float[32]),
                Tensor.f32("lm_head.weight", new long[]{4, 8}, head)));
        try (HfModelFolder f = HfModelFolder.open(dir)) {
            assertThat(f.config().tieWordEmbeddings()).isFalse();
            assertThat(f.hasTensor("output.weight")).isTrue();
            TensorData out = f.tensor("output.weight");
            assertThat(out.name()).isEqualTo("output.weight");
            assertThat(out.ne()).containsExactly(8, 4);
            assertThat(out.data().get(F32_LE, (2 * 8 + 5) * 4)).isEqualTo(21f); // vocab row 2, hidden 5
        }
    }

    @Test
    void configDefaultsFollowTransformersLlamaConfig() {
        writeString(dir.resolve("config.json"), """
                {"model_type": "llama", "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "vocab_size": 4, "rope_scaling": null}""");
        writeString(dir.resolve("generation_config.json"), "{\"bos_token_id\": 5, \"eos_token_id\": 7}");
        SafetensorsTestFiles.write(dir.resolve("model.safetensors"), List.of());
        try (HfModelFolder f = HfModelFolder.open(dir)) {
            HfLlamaConfig c = f.config();
            assertThat(c.numKeyValueHeads()).isEqualTo(2);
            assertThat(c.headDim()).isEqualTo(4);
            assertThat(c.rmsNormEps()).isEqualTo(1e-6);
            assertThat(c.ropeTheta()).isEqualTo(10000.0);
            assertThat(c.ropeScaling()).isNull();
            assertThat(c.maxPositionEmbeddings()).isEqualTo(2048);
            assertThat(c.tieWordEmbeddings()).isFalse();
            assertThat(c.bosTokenId()).isEqualTo(5);
            assertThat(c.eosTokenIds()).containsExactly(7);
            assertThat(c.torchDtype()).isNull();
        }
    }

    @Test
    void eosIdsAreTheUnionOfBothConfigs() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", "").replace("\"eos_token_id\": 2", "\"eos_token_id\": 128001"));
        writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [128001, 128009]}");
        SafetensorsTestFiles.write(dir.resolve("model.safetensors"), List.of());
        try (HfModelFolder f = HfModelFolder.open(dir)) {
            assertThat(f.config().eosTokenIds()).containsExactly(128001, 128009);
        }
    }

    @Test
    void nonLlamaArchitectureIsNotSupported() {
        writeString(dir.resolve("config.json"), config("MistralForCausalLM", "mistral", ""));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir.getFileName() + "/config.json: key 'architectures' is [\"MistralForCausalLM\"]; only"
                        + " [\"LlamaForCausalLM\"] is supported");
    }

    @Test
    void anotherArchitectureIsRefusedEvenWithModelTypeLlama() {
        writeString(dir.resolve("config.json"), config("GemmaForCausalLM", "llama", ""));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir.getFileName() + "/config.json: key 'architectures' is [\"GemmaForCausalLM\"]; only"
                        + " [\"LlamaForCausalLM\"] is supported");
    }

    @Test
    void anotherModelTypeIsRefusedEvenWithTheLlamaArchitecture() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "gpt2", ""));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir.getFileName() + "/config.json: key 'model_type' is \"gpt2\"; only \"llama\" is supported");
    }

    @Test
    void aTorchDtypeTheLoaderCannotReadIsRefused() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ", \"torch_dtype\": \"int4\""));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir.getFileName() + "/config.json: key 'torch_dtype' is \"int4\"; supported: float32, float16, bfloat16");
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ", \"dtype\": \"float8_e4m3fn\""));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir.getFileName() + "/config.json: key 'dtype' is \"float8_e4m3fn\"; supported: float32, float16, bfloat16");
    }

    @Test
    void aGenerationConfigEosOfTheWrongTypeIsNamed() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [\"a\"]}");
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir.getFileName() + "/generation_config.json: key 'eos_token_id' must be token ids, got [\"a\"]");
    }

    @Test
    void aTooDeepConfigIsOneLineNamingIt() {
        writeString(dir.resolve("config.json"), "{\"architectures\": " + "[".repeat(1_000_000));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(dir.getFileName() + "/config.json: JSON: Document nesting depth (513) exceeds the maximum allowed (512");
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        writeString(dir.resolve("generation_config.json"), "[".repeat(1_000_000));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(dir.getFileName() + "/generation_config.json: JSON: Document nesting depth (513)");
    }

    @Test
    void aTooDeepShardIndexIsOneLineNamingIt() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": " + "[".repeat(1_000_000));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(dir.getFileName() + "/model.safetensors.index.json: JSON: Document nesting depth (513)");
    }

    @Test
    void aRepeatedConfigKeyIsAnError() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ", \"hidden_size\": 16"));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(dir.getFileName() + "/config.json: JSON: Duplicate field 'hidden_size'");
    }

    @Test
    void llama3RopeScalingNeedsAllFourNumbers() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama",
                ", \"rope_scaling\": {\"factor\": 8.0, \"rope_type\": \"llama3\"}"));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir.getFileName() + "/config.json: rope_scaling: missing required key 'low_freq_factor'");
    }

    @Test
    void unsupportedDtypeInTheFolderIsNamed() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        SafetensorsTestFiles.write(dir.resolve("model.safetensors"),
                List.of(new Tensor("model.norm.weight", "F64", new long[]{8}, new byte[64])));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage("model.safetensors: tensor 'model.norm.weight' has unsupported dtype F64 (supported: F32, F16, BF16)");
    }

    @Test
    void tensorOffsetsOutOfBoundsAreRejected() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        SafetensorsTestFiles.writeRaw(dir.resolve("model.safetensors"),
                "{\"model.norm.weight\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}", new byte[20]);
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("model.safetensors: tensor 'model.norm.weight' data_offsets [0, 32] lie outside the data section");
    }

    @Test
    void missingConfigIsNotAModelFolder() {
        SafetensorsTestFiles.write(dir.resolve("model.safetensors"), List.of());
        assertThatThrownBy(() -> HfModelFolder.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessage(dir + ": no config.json (not a Hugging Face model folder)");
    }

    @Test
    void missingWeightsAreNamed() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", ""));
        assertThatThrownBy(() -> HfModelFolder.open(dir)).hasMessage(dir + ": no model.safetensors or model.safetensors.index.json");
    }

    @Test
    void badConfigValuesAreNamed() {
        writeString(dir.resolve("config.json"), config("LlamaForCausalLM", "llama", "").replace("\"hidden_size\": 8", "\"hidden_size\": \"8\""));
        assertThatThrownBy(() -> HfModelFolder.open(dir))
                .hasMessage(dir.getFileName() + "/config.json: key 'hidden_size' must be a positive integer, got \"8\"");
        writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\",");
        assertThatThrownBy(() -> HfModelFolder.open(dir)).hasMessageStartingWith(dir.getFileName() + "/config.json: JSON: ");
    }
}
