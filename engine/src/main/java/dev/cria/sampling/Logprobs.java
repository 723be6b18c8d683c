package dev.cria.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Log-probabilities of the MODEL's distribution: {@code log_softmax} of the raw logits, before
 * logit bias, penalties, temperature and top-k/top-p/min-p. This is vLLM's default
 * ({@code logprobs_mode="raw_logprobs"}: its V1 sampler computes logprobs from the original
 * logits "before any penalties or temperature scaling"); OpenAI does not say which it returns.
 * One distribution is therefore the same whatever the request's sampling knobs are.
 *
 * <p>Use: {@link #compute} once per step with the logits the sampler read, then
 * {@link #logprob} for the sampled token and {@link #top} for OpenAI's {@code top_logprobs}.
 * The instance keeps a reference to the caller's array (it copies nothing), so ask before the
 * caller overwrites those logits. Reusable across steps and sequences; not thread-safe; no
 * allocation except the list {@link #top} returns (its selection buffer grows once to the
 * largest n asked).
 */
public final class Logprobs {
    /** One entry of {@link #top}: a token and its natural-log probability. */
    public record Alternative(int tokenId, double logprob) {
    }

    private final int vocabSize;
    private float[] logits;
    private int off;
    private double logNormalizer = Double.NaN;
    private long[] heap = new long[20];

    public Logprobs(int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize: must be positive, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
    }

    /**
     * Takes the raw logits {@code logits[off .. off + vocabSize)} and computes their
     * log-normalizer {@code max + ln Σ exp(l - max)} in double precision.
     *
     * @return this, for chaining
     */
    public Logprobs compute(float[] logits, int off) {
        Objects.checkFromIndexSize(off, vocabSize, logits.length);
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off, end = off + vocabSize; i < end; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = off, end = off + vocabSize; i < end; i++) {
            sum += Math.exp((double) logits[i] - max);
        }
        this.logits = logits;
        this.off = off;
        this.logNormalizer = max + Math.log(sum);
        return this;
    }

    /** Natural-log probability of {@code token} under the model's distribution. */
    public double logprob(int token) {
        requireComputed();
        Objects.checkIndex(token, vocabSize);
        return logits[off + token] - logNormalizer;
    }

    /**
     * The {@code n} most likely tokens, most likely first; equal logprobs by lower token id
     * (the sampler's order). {@code n} above the vocabulary size gives the whole vocabulary.
     */
    public List<Alternative> top(int n) {
        requireComputed();
        if (n < 0) {
            throw new IllegalArgumentException("top_logprobs: must not be negative, got " + n);
        }
        int k = Math.min(n, vocabSize);
        if (heap.length < k) {
            heap = new long[k];
        }
        int size = LogitOrder.selectBest(logits, off, vocabSize, k, heap);
        LogitOrder.sortBestFirst(heap, size);
        List<Alternative> result = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int id = LogitOrder.id(heap[i]);
            result.add(new Alternative(id, logits[off + id] - logNormalizer));
        }
        return result;
    }

    private void requireComputed() {
        if (logits == null) {
            throw new IllegalStateException("Logprobs.compute must be called first");
        }
    }
}
