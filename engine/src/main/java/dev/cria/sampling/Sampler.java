package dev.cria.sampling;

import dev.cria.grammar.GrammarState;
import dev.cria.kernels.ExpWeights;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Picks the next token of one sequence from its logits. One instance per sequence; not
 * thread-safe (the engine loop owns it). Every buffer is allocated in the constructor, so
 * {@link #sample} allocates nothing.
 *
 * <p>The chain runs in llama.cpp's default order ({@code common_sampler_init}: logit bias →
 * penalties → top-k → top-p → min-p → temperature → dist):
 * <ol>
 *   <li>logit bias (OpenAI {@code logit_bias}): added to the logit, as llama.cpp's
 *       {@code llama_sampler_logit_bias} and vLLM do; -100 makes a token practically
 *       unreachable and +100 practically certain for real model logits, but it is an addition,
 *       not a mask;</li>
 *   <li>penalties: repetition penalty as llama.cpp's {@code llama_sampler_penalties_apply} and
 *       HF's {@code RepetitionPenaltyLogitsProcessor} (a positive logit is divided by it, a
 *       negative or zero one multiplied), then OpenAI's
 *       {@code logit -= presence_penalty * (count > 0) + frequency_penalty * count}. Which tokens
 *       count follows vLLM ({@code apply_penalties}): presence and frequency look at the tokens
 *       GENERATED so far ({@link #accept}) as OpenAI documents; the repetition penalty looks at
 *       the prompt too ({@link #acceptPrompt}) as HF does over {@code input_ids}. llama.cpp
 *       instead penalizes a sliding window of the last 64 tokens for all three; we have no
 *       window;</li>
 *   <li>greedy when {@code temperature <= 0}: argmax, equal logits go to the lowest id;</li>
 *   <li>top-k ({@code top_k > 0}): the k best, equal logits broken toward the lower id;</li>
 *   <li>top-p ({@code top_p < 1}), like {@code llama_sampler_top_p_apply}: softmax over the
 *       remaining candidates at temperature 1, then the smallest best-first prefix whose
 *       cumulative probability reaches {@code top_p};</li>
 *   <li>min-p ({@code min_p > 0}), like {@code llama_sampler_min_p_apply}: keep logits
 *       {@code >= max + ln(min_p)}, i.e. probability at least {@code min_p} times the best's;</li>
 *   <li>temperature, softmax and one draw from a {@link SplittableRandom} seeded with
 *       {@code seed} (or randomly when it is null): the same seed and the same logits give the
 *       same tokens.</li>
 * </ol>
 *
 * <p>Speed: the vocabulary is ~128k and this runs for every token. Top-k is a bounded heap
 * (O(V log k)); top-p does not sort the vocabulary: it first takes the candidates within a
 * logit distance {@code d} of the best (d = 8, 16, 32, 64, then all), and pops them best-first
 * from a heap until the mass reaches {@code top_p} (sorting them once instead if the nucleus
 * passes 2048 tokens, which only a nearly flat distribution does). That prefix of the sorted
 * order is exactly the prefix a full sort would give, because every token left out is strictly
 * worse than every token taken; if the taken ones do not reach {@code top_p}, d widens. The
 * softmax over the whole vocabulary uses the Vector API ({@link ExpWeights}).
 */
public final class Sampler {
    /** Logit distances tried by the top-p prefilter, then "everything". */
    private static final float[] TOP_P_WINDOWS = {8f, 16f, 32f, 64f, Float.POSITIVE_INFINITY};
    /** Heap pops in top-p before it sorts the remaining candidates instead. */
    private static final int MAX_POPS = 2048;
    /** Candidate count meaning "the whole vocabulary, read from {@link #work} in id order". */
    private static final int ALL = -1;

    private final int vocabSize;
    private final SamplingParams params;
    private final SplittableRandom random;

    private final float[] work;
    /** Per-block sums of the weights {@link #draw} writes over the whole vocabulary ({@link ExpWeights#fill}). */
    private final double[] blockSums;
    /** Candidates as {@link LogitOrder} keys; null when no filter is on (then the whole vocabulary is the candidate set). */
    private final long[] candidates;

    private final int[] biasIds;
    private final float[] biasValues;

    private final float repetitionPenalty;
    private final float presencePenalty;
    private final float frequencyPenalty;
    private final boolean penalize;
    /** How often each token was generated; null without penalties. */
    private final int[] generatedCounts;
    /** Whether each token is in the prompt; null without a repetition penalty. */
    private final boolean[] inPrompt;
    /** Distinct tokens with {@code generatedCounts > 0 || inPrompt}, so penalties cost O(distinct), not O(V). */
    private int[] seen;
    private int seenCount;

    /**
     * @throws IllegalArgumentException if {@code vocabSize <= 0} or {@code params} fails
     *                                  {@link SamplingParams#validate(int)}
     */
    public Sampler(int vocabSize, SamplingParams params) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize: must be positive, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
        this.params = Objects.requireNonNull(params, "params").validate(vocabSize);
        this.random = params.seed() != null ? new SplittableRandom(params.seed()) : new SplittableRandom();
        this.work = new float[vocabSize];
        this.blockSums = new double[ExpWeights.blocks(vocabSize)];
        boolean filters = (params.topK() > 0 && params.topK() < vocabSize) || params.topP() < 1 || params.minP() > 0;
        this.candidates = filters && !params.isGreedy() ? new long[vocabSize] : null;

        // Sorted by id so that applying the bias is deterministic and cache-friendly.
        this.biasIds = params.logitBias().keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.biasValues = new float[biasIds.length];
        Map<Integer, Double> bias = params.logitBias();
        for (int i = 0; i < biasIds.length; i++) {
            biasValues[i] = bias.get(biasIds[i]).floatValue();
        }

        this.repetitionPenalty = (float) params.repetitionPenalty();
        this.presencePenalty = (float) params.presencePenalty();
        this.frequencyPenalty = (float) params.frequencyPenalty();
        this.penalize = repetitionPenalty != 1f || presencePenalty != 0f || frequencyPenalty != 0f;
        this.generatedCounts = penalize ? new int[vocabSize] : null;
        this.inPrompt = repetitionPenalty != 1f ? new boolean[vocabSize] : null;
        this.seen = penalize ? new int[64] : null;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * Records prompt tokens for the repetition penalty only (HF and vLLM count the prompt;
     * OpenAI's presence and frequency penalties do not). Does nothing when
     * {@code repetition_penalty == 1}.
     *
     * @throws IllegalArgumentException if a token is outside the vocabulary
     */
    public void acceptPrompt(int[] promptTokens) {
        if (inPrompt == null) {
            return;
        }
        for (int token : promptTokens) {
            checkToken(token);
            if (!inPrompt[token]) {
                if (generatedCounts[token] == 0) {
                    remember(token);
                }
                inPrompt[token] = true;
            }
        }
    }

    /**
     * Records a generated token (the one {@link #sample} returned, or one the engine forced)
     * for the penalties.
     *
     * @throws IllegalArgumentException if the token is outside the vocabulary
     */
    public void accept(int token) {
        checkToken(token);
        if (!penalize) {
            return;
        }
        if (generatedCounts[token] == 0 && (inPrompt == null || !inPrompt[token])) {
            remember(token);
        }
        generatedCounts[token]++;
    }

    /**
     * The next token for logits {@code logits[off .. off + vocabSize)}. The caller's array is
     * only read. Does not {@link #accept} the token.
     */
    public int sample(float[] logits, int off) {
        adjust(logits, off);
        return pick();
    }

    /**
     * The next token {@code grammar} allows, or -1 when it allows none. Where the grammar and the
     * sampler meet: the token is first sampled as {@link #sample} does, and returned when the grammar
     * accepts it (most steps: one token's bytes walked); only when it is refused is the full mask of
     * allowed tokens computed into {@code mask} (a {@code long[(vocabSize + 63) / 64]}, ids the grammar's
     * vocabulary lacks count as refused) and the token sampled again from the allowed ones — llama.cpp's
     * {@code common_sampler_sample} without {@code grammar_first}. Greedy, this is exactly the argmax
     * of the allowed tokens; sampled, the retry draws from the allowed ones renormalised (with top-k/p
     * and min-p applied to the masked logits). Allocates nothing.
     */
    public int sample(float[] logits, int off, GrammarState grammar, long[] mask) {
        int id = sample(logits, off);
        if (grammar.accepts(id)) return id;
        grammar.allowedTokens(mask);
        adjust(logits, off);
        boolean any = false;
        for (int id2 = 0; id2 < vocabSize; id2++) {
            int word = id2 >>> 6;
            if (word >= mask.length || (mask[word] & (1L << id2)) == 0) {
                work[id2] = Float.NEGATIVE_INFINITY;
            } else {
                any = true;
            }
        }
        return any ? pick() : -1;
    }

    /** Greedy argmax or a filtered draw over {@link #work}, adjusted. */
    private int pick() {
        if (params.isGreedy()) {
            return argmax(work, vocabSize);
        }
        return draw(filter(), (float) (1.0 / params.temperature()));
    }

    /**
     * Copies the logits into {@link #work} and applies logit bias and penalties; returns
     * {@link #work} (package-private so tests can check the arithmetic).
     */
    float[] adjust(float[] logits, int off) {
        Objects.checkFromIndexSize(off, vocabSize, logits.length);
        System.arraycopy(logits, off, work, 0, vocabSize);
        applyLogitBias();
        if (penalize) {
            applyPenalties();
        }
        return work;
    }

    /**
     * The ids that survive bias, penalties, top-k, top-p and min-p, written to {@code out} in
     * candidate order; returns their count. For tests: it runs exactly the filters
     * {@link #sample} runs (not meaningful for a greedy sampler).
     */
    int survivors(float[] logits, int off, int[] out) {
        adjust(logits, off);
        int n = filter();
        if (n == ALL) {
            for (int id = 0; id < vocabSize; id++) {
                out[id] = id;
            }
            return vocabSize;
        }
        for (int i = 0; i < n; i++) {
            out[i] = LogitOrder.id(candidates[i]);
        }
        return n;
    }

    /** Top-k, top-p, min-p over {@link #work}; returns the candidate count, or {@link #ALL}. */
    private int filter() {
        int n = ALL;
        int topK = params.topK();
        if (topK > 0 && topK < vocabSize) {
            n = LogitOrder.selectBest(work, 0, vocabSize, topK, candidates);
        }
        if (params.topP() < 1) {
            n = topP(n, params.topP());
        }
        if (params.minP() > 0) {
            n = minP(n, params.minP());
        }
        return n;
    }

    /** Index of the largest value in {@code values[0..n)}; equal values go to the lowest index. */
    static int argmax(float[] values, int n) {
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (values[i] > bestValue) {
                bestValue = values[i];
                best = i;
            }
        }
        return best;
    }

    private void applyLogitBias() {
        for (int i = 0; i < biasIds.length; i++) {
            work[biasIds[i]] += biasValues[i];
        }
    }

    private void applyPenalties() {
        for (int i = 0; i < seenCount; i++) {
            int token = seen[i];
            int count = generatedCounts[token];
            float logit = work[token];
            if (inPrompt != null) {
                // Every token in the seen list is in the prompt or was generated.
                logit = logit > 0 ? logit / repetitionPenalty : logit * repetitionPenalty;
            }
            if (count > 0) {
                logit -= count * frequencyPenalty + presencePenalty;
            }
            work[token] = logit;
        }
    }

    /**
     * Top-p over the candidates: the smallest best-first prefix whose probability (softmax at
     * temperature 1 over the current candidates) reaches {@code p}. Leaves that prefix in
     * {@code candidates[0..r)} best first and returns r.
     */
    private int topP(int n, double p) {
        float max = maxLogit(n);
        double total = 0;
        if (n == ALL) {
            total = ExpWeights.sum(work, vocabSize, max);
        } else {
            for (int i = 0; i < n; i++) {
                total += Math.exp((double) LogitOrder.logit(candidates[i]) - max);
            }
        }
        double target = p * total;
        for (float window : TOP_P_WINDOWS) {
            float floor = max - window;
            int m = gatherAtLeast(n, floor);
            double mass = 0;
            for (int i = 0; i < m; i++) {
                mass += Math.exp((double) LogitOrder.logit(candidates[i]) - max);
            }
            boolean last = window == Float.POSITIVE_INFINITY;
            if (mass < target && !last) {
                continue;
            }
            int r = popUntil(m, max, total, p);
            if (r > 0) {
                return r;
            }
            if (last) {
                // Rounding kept the sum of everything just under p: keep everything.
                LogitOrder.sortBestFirst(candidates, m);
                return m;
            }
        }
        throw new AssertionError("unreachable: the last window takes every candidate");
    }

    /**
     * Moves the candidates with logit {@code >= floor} to {@code candidates[0..m)} and returns m.
     * With {@code n == ALL} they are gathered from {@link #work}; otherwise {@code candidates[0..n)}
     * is partitioned in place, so the full set stays in {@code [0..n)} for a wider retry.
     */
    private int gatherAtLeast(int n, float floor) {
        int m = 0;
        if (n == ALL) {
            for (int id = 0; id < vocabSize; id++) {
                if (work[id] >= floor) {
                    candidates[m++] = LogitOrder.key(work[id], id);
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                long key = candidates[i];
                if (LogitOrder.logit(key) >= floor) {
                    candidates[i] = candidates[m];
                    candidates[m++] = key;
                }
            }
        }
        return m;
    }

    /**
     * Pops {@code candidates[0..m)} best first until the cumulative probability reaches {@code p};
     * leaves the popped prefix best first in {@code candidates[0..r)} and returns r, or 0 if the
     * m candidates do not reach {@code p}. The cumulative sum runs in the order a full sort would
     * give, so the cut is the same. A heap wins while the nucleus is small next to m; after
     * {@link #MAX_POPS} pops (a flat distribution) one sort of the m candidates is cheaper.
     */
    private int popUntil(int m, float max, double total, double p) {
        for (int i = m / 2 - 1; i >= 0; i--) {
            LogitOrder.siftDownBest(candidates, i, m);
        }
        double cumulative = 0;
        int size = m;
        while (size > 0 && m - size < MAX_POPS) {
            long best = candidates[0];
            size--;
            candidates[0] = candidates[size];
            candidates[size] = best;
            LogitOrder.siftDownBest(candidates, 0, size);
            cumulative += Math.exp((double) LogitOrder.logit(best) - max) / total;
            if (cumulative >= p) {
                // The popped prefix sits in candidates[size..m), best at the end: turn it around and move it to the front.
                int r = m - size;
                reverse(candidates, size, m);
                System.arraycopy(candidates, size, candidates, 0, r);
                return r;
            }
        }
        if (size == 0) {
            return 0;
        }
        // Smaller key = better token, so ascending order is best first; the rescan repeats the
        // same additions in the same order as the pops did.
        LogitOrder.sort(candidates, 0, m);
        cumulative = 0;
        for (int i = 0; i < m; i++) {
            cumulative += Math.exp((double) LogitOrder.logit(candidates[i]) - max) / total;
            if (cumulative >= p) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Min-p: keeps the candidates with logit {@code >= max + ln(p)}, in their current order. */
    private int minP(int n, double p) {
        float max = maxLogit(n);
        double floor = max + Math.log(p);
        int m = 0;
        if (n == ALL) {
            for (int id = 0; id < vocabSize; id++) {
                if (work[id] >= floor) {
                    candidates[m++] = LogitOrder.key(work[id], id);
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (LogitOrder.logit(candidates[i]) >= floor) {
                    candidates[m++] = candidates[i];
                }
            }
        }
        return m;
    }

    /**
     * Temperature, softmax and one draw. The unnormalized weights {@code exp((l - max) / T)} are
     * written over {@link #work} (the logits are no longer needed), so the draw needs no second
     * exp pass; over the whole vocabulary the walk skips whole blocks by their sums.
     */
    private int draw(int n, float inverseTemperature) {
        float max = maxLogit(n);
        if (n == ALL) {
            double total = ExpWeights.fill(work, vocabSize, max, inverseTemperature, blockSums);
            return drawFromBlocks(random.nextDouble() * total);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            int id = LogitOrder.id(candidates[i]);
            float w = (float) Math.exp((double) (work[id] - max) * inverseTemperature);
            work[id] = w;
            total += w;
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int lastPositive = LogitOrder.id(candidates[0]);
        for (int i = 0; i < n; i++) {
            int id = LogitOrder.id(candidates[i]);
            float w = work[id];
            if (w > 0) {
                cumulative += w;
                lastPositive = id;
                if (u < cumulative) {
                    return id;
                }
            }
        }
        // Only reachable when rounding put u at the very top of the range.
        return lastPositive;
    }

    /** The token whose weight interval in {@link #work} holds {@code u}, found block by block. */
    private int drawFromBlocks(double u) {
        double cumulative = 0;
        int lastPositiveBlock = 0;
        for (int b = 0; b < blockSums.length; b++) {
            double blockSum = blockSums[b];
            if (blockSum <= 0) {
                continue;
            }
            lastPositiveBlock = b;
            if (u < cumulative + blockSum) {
                int from = b * ExpWeights.BLOCK;
                int to = Math.min(vocabSize, from + ExpWeights.BLOCK);
                int lastPositive = from;
                double inBlock = cumulative;
                for (int id = from; id < to; id++) {
                    float w = work[id];
                    if (w > 0) {
                        inBlock += w;
                        lastPositive = id;
                        if (u < inBlock) {
                            return id;
                        }
                    }
                }
                // The block sum (float lanes) and this walk (double) round differently: stay in the block.
                return lastPositive;
            }
            cumulative += blockSum;
        }
        // Only reachable when rounding put u at the very top of the range.
        int from = lastPositiveBlock * ExpWeights.BLOCK;
        int last = from;
        for (int id = from, to = Math.min(vocabSize, from + ExpWeights.BLOCK); id < to; id++) {
            if (work[id] > 0) {
                last = id;
            }
        }
        return last;
    }

    private float maxLogit(int n) {
        if (n == ALL) {
            return ExpWeights.max(work, vocabSize);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, work[LogitOrder.id(candidates[i])]);
        }
        return max;
    }

    private void remember(int token) {
        if (seenCount == seen.length) {
            seen = Arrays.copyOf(seen, Math.min(vocabSize, seen.length * 2));
        }
        seen[seenCount++] = token;
    }

    private void checkToken(int token) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + vocabSize + " tokens");
        }
    }

    private static void reverse(long[] a, int from, int to) {
        for (int i = from, j = to - 1; i < j; i++, j--) {
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
