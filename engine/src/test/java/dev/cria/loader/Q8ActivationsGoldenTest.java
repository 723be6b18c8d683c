package dev.cria.loader;

import dev.cria.kernels.ComputePool;
import dev.cria.kv.KvSequence;
import dev.cria.model.ActivationType;
import dev.cria.model.LlamaModel;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quantized-activation path ({@link ActivationType#Q8}) end to end on the quant zoo's K-quant
 * models and its Q4_0 model (loaded for Q8: interleaved where the integer kernels run), one token per forward pass (the only steps it applies to), under the golden README's
 * "Q8 activation quantization like ggml" tolerance: the argmax equal to the reference wherever both
 * the reference and llama.cpp margins exceed 10% of the max |logit|; greedy equal up to the first
 * step where either margin is below that (or llama.cpp's own continuation left the reference's).
 * The README sets no bound on the top-40 logit values for this mode (it expects "up to ~15%" of the
 * max logit from the tiny models, and on the zoo llama.cpp itself is up to 24.8% (Q4_K) and 33.2%
 * (Q6_K) away, §7): the deviation is printed, not asserted.
 *
 * <p>The integer kernels have 512- and 256-bit versions with the same bits, so both of the build's
 * executions (AVX-512 and {@code -XX:UseAVX=2}) hold the same assertions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Q8ActivationsGoldenTest {
    private ComputePool pool;

    @BeforeAll
    void startPool() {
        pool = new ComputePool(2);
    }

    @AfterAll
    void stopPool() {
        pool.close();
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q4_K", "Q6_K", "Q4_0"})
    void oneTokenStepsAgreeWithTheReferenceWithinGgmlsQ8Tolerance(String type) throws Exception {
        oneTokenSteps(type);
    }

    @SuppressWarnings("unchecked")
    private void oneTokenSteps(String type) throws Exception {
        Map<String, Object> root = StrictJson.parseObject(Files.readString(Golden.DATA.resolve("golden/zoo/zoo-" + type + ".json")));
        Map<String, Object> results = (Map<String, Object>) root.get("results");
        try (ModelLoader.Weights w = ModelLoader.loadWeights(Golden.model("zoo/zoo-" + type + ".gguf"));
             ModelLoader.Weights wq = ModelLoader.loadWeights(Golden.model("zoo/zoo-" + type + ".gguf"), ActivationType.Q8, LoadProgress.NONE)) {
            if (type.equals("Q4_K")) {
                // every matrix of the zoo model has whole groups of 32 rows and whole super-blocks
                assertThat(wq.weights().layers().get(0).wq().layout()).isEqualTo(dev.cria.tensor.WeightMatrix.Layout.Q4_K_INTERLEAVED);
                assertThat(wq.weights().layers().get(0).wDown().layout()).isEqualTo(dev.cria.tensor.WeightMatrix.Layout.Q4_K_INTERLEAVED);
                assertThat(wq.weights().output().layout()).isEqualTo(dev.cria.tensor.WeightMatrix.Layout.Q4_K_INTERLEAVED);
                assertThat(wq.weights().tokenEmbedding().layout()).isEqualTo(dev.cria.tensor.WeightMatrix.Layout.Q4_K_INTERLEAVED);
            }
            LlamaModel q8 = new LlamaModel(wq.config(), wq.weights(), pool, 1, ActivationType.Q8);
            LlamaModel f32 = new LlamaModel(w.config(), w.weights(), pool, 1);
            int vocab = w.config().vocabSize();
            int compared = 0;
            // argmax agreement with the float64 reference over every prompt position, whatever the margin (issue #25 item 5)
            int positions = 0, agreeQ8 = 0, agreeF32 = 0, agreeLlama = 0;
            double maxRelDiff = 0, worstVsReference = 0;
            for (Golden.Case c : Golden.cases("zoo/zoo-" + type + ".json")) {
                Map<String, Object> llama = (Map<String, Object>) ((Map<String, Object>) results.get(c.prompt())).get("llamacpp");
                List<Object> llamaPos = (List<Object>) llama.get("positions");
                List<Object> llamaGreedy = (List<Object>) llama.get("greedy");
                double bar = 0.10 * c.maxAbsLogit();
                String where = "zoo-" + type + " / " + c.prompt();
                int n = c.ids().length;
                KvSequence kv = q8.newSequence(n + c.greedy().length + 1);
                KvSequence kvF = f32.newSequence(n + 1);
                float[] logits = new float[vocab];
                float[] exact = new float[vocab];
                for (int p = 0; p < n; p++) {
                    step(q8, c.ids()[p], p, kv, logits);
                    step(f32, c.ids()[p], p, kvF, exact);
                    double llamaMargin = ((Number) ((List<Object>) llamaPos.get(p)).get(1)).doubleValue();
                    positions++;
                    if (GoldenLogitsTest.argmax(logits, 0, vocab) == c.argmax()[p]) agreeQ8++;
                    if (GoldenLogitsTest.argmax(exact, 0, vocab) == c.argmax()[p]) agreeF32++;
                    if (((Number) ((List<Object>) llamaPos.get(p)).get(0)).intValue() == c.argmax()[p]) agreeLlama++;
                    if (c.margin()[p] > bar && llamaMargin > bar) {
                        assertThat(GoldenLogitsTest.argmax(logits, 0, vocab)).as("%s argmax at %d", where, p).isEqualTo(c.argmax()[p]);
                        compared++;
                    }
                }
                for (int i = 0; i < c.topLogits().length; i++) {
                    int id = c.topIds()[0][i];
                    maxRelDiff = Math.max(maxRelDiff, Math.abs(logits[id] - exact[id]) / c.maxAbsLogit());
                    worstVsReference = Math.max(worstVsReference, Math.abs(logits[id] - c.topLogits()[i]) / c.maxAbsLogit());
                }
                int token = GoldenLogitsTest.argmax(logits, 0, vocab);
                for (int s = 0; s < c.greedy().length; s++) {
                    Map<String, Object> g = (Map<String, Object>) llamaGreedy.get(s);
                    if (c.greedyMargin()[s] < bar || ((Number) g.get("margin")).doubleValue() < bar
                            || ((Number) g.get("id")).intValue() != c.greedy()[s]) {
                        break;
                    }
                    assertThat(token).as("%s greedy step %d", where, s).isEqualTo(c.greedy()[s]);
                    step(q8, token, n + s, kv, logits);
                    token = GoldenLogitsTest.argmax(logits, 0, vocab);
                }
            }
            System.out.printf("zoo-%s q8: top-40 max |Δ| vs reference %.1f%% of max|logit|, vs f32 path %.1f%%; %d argmax positions compared%n",
                    type, 100 * worstVsReference, 100 * maxRelDiff, compared);
            System.out.printf("zoo-%s argmax = reference at all %d positions: q8 %d, f32 %d, llama.cpp %d%n",
                    type, positions, agreeQ8, agreeF32, agreeLlama);
            assertThat(compared).as("positions with both margins above the bar").isGreaterThan(100);
            // issue #25 item 5: q8 may be a default only while it is at least as faithful as llama.cpp
            assertThat(agreeQ8).as("positions where the q8 argmax is the reference's, against llama.cpp's %d", agreeLlama)
                    .isGreaterThanOrEqualTo(agreeLlama);
            // the Q8 path really quantizes: its logits differ from the exact path's
            assertThat(maxRelDiff).as("largest top-40 logit change vs f32, relative to max|logit|").isGreaterThan(1e-4);
        }
    }

    private static void step(LlamaModel m, int token, int pos, KvSequence kv, float[] logits) {
        m.forward(1, new int[]{token}, new int[]{pos}, new KvSequence[]{kv}, new boolean[]{true}, logits);
    }
}
