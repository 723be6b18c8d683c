package dev.cria.sampling;

import dev.cria.kernels.ExpWeights;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplerTest {
    private static final int LLAMA3_VOCAB = 128256;

    private static SamplingParams params(double temperature, double topP, int topK, double minP, Long seed) {
        return new SamplingParams(temperature, topP, topK, minP, seed, 0, 0, 1, Map.of());
    }

    private static SamplingParams penalties(double presence, double frequency, double repetition) {
        return new SamplingParams(0, 1, 0, 0, 1L, presence, frequency, repetition, Map.of());
    }

    private static SamplingParams bias(Map<Integer, Double> bias) {
        return new SamplingParams(1, 1, 0, 0, 7L, 0, 0, 1, bias);
    }

    /** Logits shaped like a language model's: a few strong candidates over a long flat tail. */
    private static float[] modelLikeLogits(int vocab, long seed) {
        Random random = new Random(seed);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (random.nextGaussian() * 2.0);
        }
        for (int i = 0; i < 40; i++) {
            logits[random.nextInt(vocab)] = 8f + (float) (random.nextGaussian() * 3.0);
        }
        return logits;
    }

    @Test
    void greedyPicksTheLargestLogit() {
        Sampler sampler = new Sampler(5, SamplingParams.greedy());

        assertThat(sampler.sample(new float[]{0.1f, -2f, 3.5f, 3.4f, 1f}, 0)).isEqualTo(2);
    }

    @Test
    void greedyBreaksTiesTowardTheLowestId() {
        Sampler sampler = new Sampler(5, SamplingParams.greedy());

        assertThat(sampler.sample(new float[]{1f, 4f, 2f, 4f, 4f}, 0)).isEqualTo(1);
    }

    @Test
    void readsTheVocabularyAtTheGivenOffset() {
        Sampler sampler = new Sampler(3, SamplingParams.greedy());
        float[] batch = {9f, 0f, 0f, 0f, 1f, 5f, 2f, 9f};

        assertThat(sampler.sample(batch, 3)).isEqualTo(2);
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        float[] logits = modelLikeLogits(1000, 1);
        Sampler a = new Sampler(1000, params(1.3, 0.95, 0, 0, 42L));
        Sampler b = new Sampler(1000, params(1.3, 0.95, 0, 0, 42L));

        for (int step = 0; step < 300; step++) {
            logits[step % 1000] += 0.5f; // a changing sequence of logits, identical for both
            int ta = a.sample(logits, 0);
            int tb = b.sample(logits, 0);
            assertThat(ta).as("step %d", step).isEqualTo(tb);
        }
    }

    @Test
    void differentSeedsDrawDifferentTokens() {
        float[] uniform = new float[1000];
        Sampler a = new Sampler(1000, params(1, 1, 0, 0, 1L));
        Sampler b = new Sampler(1000, params(1, 1, 0, 0, 2L));
        int[] drawnA = new int[50];
        int[] drawnB = new int[50];

        for (int i = 0; i < 50; i++) {
            drawnA[i] = a.sample(uniform, 0);
            drawnB[i] = b.sample(uniform, 0);
        }

        assertThat(drawnA).isNotEqualTo(drawnB);
    }

    @Test
    void topKOfOneIsGreedy() {
        float[] logits = modelLikeLogits(LLAMA3_VOCAB, 3);
        int argmax = new Sampler(LLAMA3_VOCAB, SamplingParams.greedy()).sample(logits, 0);
        Sampler sampler = new Sampler(LLAMA3_VOCAB, params(2, 1, 1, 0, 5L));

        for (int i = 0; i < 50; i++) {
            assertThat(sampler.sample(logits, 0)).isEqualTo(argmax);
        }
    }

    @Test
    void topKKeepsTheKBestAndBreaksTiesAtTheBoundaryTowardLowerIds() {
        float[] logits = {1f, 5f, 3f, 3f, 0f, 3f, 4f};
        Sampler sampler = new Sampler(7, params(1, 1, 3, 0, 1L));
        int[] out = new int[7];

        int n = sampler.survivors(logits, 0, out);

        assertThat(Arrays.copyOf(out, n)).containsExactlyInAnyOrder(1, 6, 2);
    }

    @Test
    void aTinyTopPKeepsOnlyTheBestToken() {
        float[] logits = modelLikeLogits(LLAMA3_VOCAB, 4);
        int argmax = new Sampler(LLAMA3_VOCAB, SamplingParams.greedy()).sample(logits, 0);
        Sampler sampler = new Sampler(LLAMA3_VOCAB, params(1.5, 1e-6, 0, 0, 9L));

        for (int i = 0; i < 50; i++) {
            assertThat(sampler.sample(logits, 0)).isEqualTo(argmax);
        }
    }

    @Test
    void topPKeepsExactlyTheSetAFullSortGives() {
        for (double p : new double[]{0.1, 0.5, 0.9, 0.999}) {
            for (long seed = 10; seed < 12; seed++) {
                float[] logits = modelLikeLogits(LLAMA3_VOCAB, seed);
                Sampler sampler = new Sampler(LLAMA3_VOCAB, params(1, p, 0, 0, 1L));
                int[] out = new int[LLAMA3_VOCAB];

                int n = sampler.survivors(logits, 0, out);

                assertThat(Arrays.copyOf(out, n)).as("top_p=%s seed=%d", p, seed)
                        .containsExactly(fullSortNucleus(logits, p));
            }
        }
    }

    @Test
    void topPOnAFlatDistributionStillMatchesAFullSort() {
        // Nearly uniform: the nucleus is most of the vocabulary, so the prefilter must widen.
        Random random = new Random(77);
        float[] logits = new float[LLAMA3_VOCAB];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextDouble() * 40 - 20);
        }
        Sampler sampler = new Sampler(LLAMA3_VOCAB, params(1, 0.999999, 0, 0, 1L));
        int[] out = new int[LLAMA3_VOCAB];

        int n = sampler.survivors(logits, 0, out);

        assertThat(Arrays.copyOf(out, n)).containsExactly(fullSortNucleus(logits, 0.999999));
    }

    /** The reference: sort everything (logit descending, id ascending), cut where the cumulative probability reaches p. */
    private static int[] fullSortNucleus(float[] logits, double p) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        // The same normalizer the sampler uses, so the comparison is of the selection alone.
        double total = ExpWeights.sum(logits, logits.length, max);
        long[] order = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            order[i] = LogitOrder.key(logits[i], i); // natural order = logit descending, id ascending
        }
        Arrays.sort(order);
        double cumulative = 0;
        int r = 0;
        while (r < order.length) {
            cumulative += Math.exp((double) LogitOrder.logit(order[r]) - max) / total;
            r++;
            if (cumulative >= p) {
                break;
            }
        }
        int[] nucleus = new int[r];
        for (int i = 0; i < r; i++) {
            nucleus[i] = LogitOrder.id(order[i]);
        }
        return nucleus;
    }

    @Test
    void minPKeepsTokensAtLeastMinPTimesAsLikelyAsTheBest() {
        // Probabilities relative to the best: 1, 0.5, 0.1, 0.01.
        float[] logits = {0f, (float) Math.log(0.5), (float) Math.log(0.1), (float) Math.log(0.01)};
        Sampler sampler = new Sampler(4, params(1, 1, 0, 0.05, 1L));
        int[] out = new int[4];

        int n = sampler.survivors(logits, 0, out);

        assertThat(Arrays.copyOf(out, n)).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void drawsFollowTheSoftmaxOfLogitsOverTemperature() {
        float[] logits = {2f, 1f, 0.5f, 0f, -1f};
        double temperature = 0.5;
        int draws = 20000;
        Sampler sampler = new Sampler(5, params(temperature, 1, 0, 0, 2024L));
        int[] counts = new int[5];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits, 0)]++;
        }

        // Chi-square with 4 degrees of freedom: 18.47 is the 0.1% critical value. The same counts
        // against the untempered softmax are far outside it, so this sees the sharpening.
        assertThat(chiSquare(counts, softmax(logits, temperature), draws)).isLessThan(18.47);
        assertThat(chiSquare(counts, softmax(logits, 1.0), draws)).isGreaterThan(1000);
    }

    private static double[] softmax(float[] logits, double temperature) {
        double[] p = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] / temperature);
            total += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    private static double chiSquare(int[] observed, double[] probabilities, int draws) {
        double chi = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = probabilities[i] * draws;
            chi += (observed[i] - expected) * (observed[i] - expected) / expected;
        }
        return chi;
    }

    @Test
    void aLogitBiasOfMinus100BansAToken() {
        float[] logits = {5f, 4.9f, 1f};
        Sampler sampler = new Sampler(3, bias(Map.of(0, -100.0)));

        for (int i = 0; i < 2000; i++) {
            assertThat(sampler.sample(logits, 0)).isNotEqualTo(0);
        }
    }

    @Test
    void aLogitBiasOf100ForcesAToken() {
        float[] logits = modelLikeLogits(LLAMA3_VOCAB, 5);
        Sampler sampler = new Sampler(LLAMA3_VOCAB, bias(Map.of(12345, 100.0)));

        for (int i = 0; i < 50; i++) {
            assertThat(sampler.sample(logits, 0)).isEqualTo(12345);
        }
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        Sampler sampler = new Sampler(4, penalties(0, 0, 2.0));
        sampler.accept(0);
        sampler.accept(1);
        sampler.accept(1);

        float[] adjusted = sampler.adjust(new float[]{3f, -1.5f, 3f, -1.5f}, 0);

        assertThat(adjusted).containsExactly(1.5f, -3f, 3f, -1.5f);
    }

    @Test
    void repetitionPenaltyAlsoCountsPromptTokens() {
        Sampler sampler = new Sampler(3, penalties(0, 0, 1.5));
        sampler.acceptPrompt(new int[]{2, 2});

        float[] adjusted = sampler.adjust(new float[]{3f, 3f, 3f}, 0);

        assertThat(adjusted).containsExactly(3f, 3f, 2f);
    }

    @Test
    void presenceAndFrequencyPenaltiesSubtractOnceAndPerOccurrence() {
        Sampler sampler = new Sampler(3, penalties(0.5, 0.25, 1));
        sampler.accept(1);
        sampler.accept(2);
        sampler.accept(2);
        sampler.accept(2);

        float[] adjusted = sampler.adjust(new float[]{1f, 1f, 1f}, 0);

        // token 1: 1 - (0.5 + 1 * 0.25); token 2: 1 - (0.5 + 3 * 0.25)
        assertThat(adjusted).containsExactly(1f, 0.25f, -0.25f);
    }

    @Test
    void presenceAndFrequencyPenaltiesIgnorePromptTokens() {
        Sampler sampler = new Sampler(3, penalties(1, 1, 1));
        sampler.acceptPrompt(new int[]{0, 1, 2});

        float[] adjusted = sampler.adjust(new float[]{1f, 2f, 3f}, 0);

        assertThat(adjusted).containsExactly(1f, 2f, 3f);
    }

    @Test
    void penaltiesSteerGreedyAwayFromARepeatedToken() {
        Sampler sampler = new Sampler(2, penalties(0, 0.3, 1));
        float[] logits = {3f, 2.5f};
        int first = sampler.sample(logits, 0);
        sampler.accept(first);
        int second = sampler.sample(logits, 0);
        sampler.accept(second);
        int third = sampler.sample(logits, 0);

        // 3 - 0.3 = 2.7 still wins; 3 - 0.6 = 2.4 loses to 2.5.
        assertThat(new int[]{first, second, third}).containsExactly(0, 0, 1);
    }

    @Test
    void leavesTheCallersLogitsUntouched() {
        float[] logits = modelLikeLogits(LLAMA3_VOCAB, 6);
        float[] before = logits.clone();
        Sampler sampler = new Sampler(LLAMA3_VOCAB, new SamplingParams(0.7, 0.9, 50, 0.05, 3L, 0.5, 0.5, 1.3,
                Map.of(1, 5.0, 2, -5.0)));
        sampler.acceptPrompt(new int[]{1, 2, 3});
        sampler.accept(4);

        sampler.sample(logits, 0);

        assertThat(logits).containsExactly(before);
    }

    @Test
    void rejectsATokenOutsideTheVocabulary() {
        Sampler sampler = new Sampler(10, SamplingParams.defaults());

        assertThatThrownBy(() -> sampler.accept(10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 10");
    }

    @Test
    void rejectsALogitBiasForATokenOutsideTheVocabulary() {
        assertThatThrownBy(() -> new Sampler(10, bias(Map.of(10, 1.0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("logit_bias: token id 10");
    }

    @Test
    void samplingAllocatesNothingPerToken() {
        float[] logits = modelLikeLogits(LLAMA3_VOCAB, 8);
        Sampler sampler = new Sampler(LLAMA3_VOCAB, new SamplingParams(0.8, 0.9, 0, 0.02, 1L, 0.1, 0.1, 1.1, Map.of()));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200; i++) {
            sampler.accept(sampler.sample(logits, 0));
        }

        // The JIT compiles in the background on a shared machine, and interpreted Vector API code
        // allocates; so measure rounds until one runs compiled. A real per-call allocation
        // (>= 16 bytes x 100 calls) shows in every round.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 30 && allocated >= 1024; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                sampler.sample(logits, 0);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertThat(allocated).isLessThan(1024);
    }
}
