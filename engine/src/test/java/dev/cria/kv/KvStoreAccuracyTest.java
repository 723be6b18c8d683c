package dev.cria.kv;

import dev.cria.kernels.ComputePool;
import dev.cria.loader.ModelLoader;
import dev.cria.model.LlamaModel;
import dev.cria.util.StrictJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * f16 and q8_0 KV storage against float32 KV on the tiny model, at every position of long prompts.
 * The golden README (§3) measures how much this deliberately sensitive model amplifies rounding:
 * bf16/f16 rounding of activations moves logits by up to ~2-3% / 0.6% of the max logit, Q8
 * quantization by 5-17%; so the argmax must agree wherever the float32 margin is above
 * 3% (f16) or 10% (q8_0) of the max logit, and the largest change stays under those bounds' scale.
 */
class KvStoreAccuracyTest {
    static final Path DATA = Path.of(System.getProperty("cria.testdata", "testdata"));

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F16, 0.03, 0.03", "Q8_0, 0.10, 0.20"})
    @SuppressWarnings("unchecked")
    void argmaxAgreesWhereTheMarginIsClear(KvType type, double marginShare, double maxShift) throws Exception {
        Map<String, Object> root = StrictJson.parseObject(Files.readString(DATA.resolve("golden/logits/tiny-llama3-F16.json")));
        try (ComputePool pool = new ComputePool(2);
             ModelLoader.Weights w = ModelLoader.loadWeights(DATA.resolve("models/tiny-llama3-F16.gguf"))) {
            LlamaModel m = new LlamaModel(w.config(), w.weights(), pool, 64);
            int vocab = w.config().vocabSize();
            int compared = 0;
            for (String prompt : List.of("long_300", "chat", "code")) {
                Map<String, Object> r = (Map<String, Object>) ((Map<String, Object>) root.get("results")).get(prompt);
                int[] ids = ((List<Object>) r.get("ids")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                KvSequence exact = new KvSequence(m.newKvPool(16, (ids.length + 15) / 16, KvType.F32));
                KvSequence rounded = new KvSequence(m.newKvPool(16, (ids.length + 15) / 16, type));
                float[] a = new float[vocab];
                float[] b = new float[vocab];
                for (int p = 0; p < ids.length; p++) {
                    m.forward(1, new int[]{ids[p]}, new int[]{p}, new KvSequence[]{exact}, new boolean[]{true}, a);
                    m.forward(1, new int[]{ids[p]}, new int[]{p}, new KvSequence[]{rounded}, new boolean[]{true}, b);
                    exact.filled(p + 1, ids);
                    rounded.filled(p + 1, ids);
                    double maxAbs = 0, shift = 0;
                    int top = 0, second = -1;
                    for (int i = 0; i < vocab; i++) {
                        maxAbs = Math.max(maxAbs, Math.abs(a[i]));
                        shift = Math.max(shift, Math.abs(a[i] - b[i]));
                        if (a[i] > a[top]) { second = top; top = i; } else if (second < 0 || a[i] > a[second]) second = i;
                    }
                    int topB = 0;
                    for (int i = 1; i < vocab; i++) if (b[i] > b[topB]) topB = i;
                    assertThat(shift / maxAbs).as("%s position %d: largest logit change / max logit", prompt, p).isLessThan(maxShift);
                    if (a[top] - a[second] > marginShare * maxAbs) {
                        assertThat(topB).as("%s argmax at position %d", prompt, p).isEqualTo(top);
                        compared++;
                    }
                }
            }
            assertThat(compared).as("positions with a clear margin").isGreaterThan(100);
        }
    }
}
