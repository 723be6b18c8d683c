package dev.cria.sampling;

import java.util.HashMap;
import java.util.Map;

/**
 * What a request asks of the sampler. Defaults follow the OpenAI API: temperature 1, top_p 1,
 * no penalties. {@code temperature == 0} means greedy (argmax). {@code topK <= 0} disables top-k,
 * {@code minP <= 0} disables min-p, {@code repetitionPenalty == 1} disables it. {@code seed}
 * null means a random seed. {@code logitBias} maps token id → bias added to its logit
 * (OpenAI: -100..100).
 *
 * <p>The record accepts any values so that callers can build it before checking;
 * {@link #validate()} (or {@link #validate(int)} once the vocabulary size is known) rejects
 * out-of-range values with an {@link IllegalArgumentException} whose message is
 * {@code "<openai_field>: <problem>"}.
 */
public record SamplingParams(double temperature, double topP, int topK, double minP, Long seed,
                             double presencePenalty, double frequencyPenalty, double repetitionPenalty,
                             Map<Integer, Double> logitBias) {
    public SamplingParams {
        logitBias = logitBias == null ? Map.of() : copyBias(logitBias);
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0, 1, 0, 0, null, 0, 0, 1, Map.of());
    }

    public static SamplingParams defaults() {
        return new SamplingParams(1, 1, 0, 0, null, 0, 0, 1, Map.of());
    }

    public boolean isGreedy() {
        return temperature <= 0;
    }

    /**
     * Checks every field against the range the OpenAI API (and, for the fields OpenAI lacks,
     * vLLM) accepts. Comparisons are written so that NaN fails them.
     *
     * @return this, for chaining
     * @throws IllegalArgumentException "{@code <field>: <problem>}" for the first bad field
     */
    public SamplingParams validate() {
        if (!(temperature >= 0 && temperature <= 2)) {
            throw bad("temperature", "must be between 0 and 2, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw bad("top_p", "must be greater than 0 and at most 1, got " + topP);
        }
        if (topK < 0) {
            throw bad("top_k", "must be 0 (disabled) or positive, got " + topK);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw bad("min_p", "must be between 0 and 1, got " + minP);
        }
        if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
            throw bad("presence_penalty", "must be between -2 and 2, got " + presencePenalty);
        }
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            throw bad("frequency_penalty", "must be between -2 and 2, got " + frequencyPenalty);
        }
        if (!(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty))) {
            throw bad("repetition_penalty", "must be a finite number greater than 0, got " + repetitionPenalty);
        }
        for (Map.Entry<Integer, Double> e : logitBias.entrySet()) {
            if (e.getKey() < 0) {
                throw bad("logit_bias", "token id must not be negative, got " + e.getKey());
            }
            double v = e.getValue();
            if (!(v >= -100 && v <= 100)) {
                throw bad("logit_bias", "bias for token " + e.getKey() + " must be between -100 and 100, got " + v);
            }
        }
        return this;
    }

    /**
     * {@link #validate()} plus: every {@code logit_bias} token id lies in {@code [0, vocabSize)}.
     *
     * @return this, for chaining
     */
    public SamplingParams validate(int vocabSize) {
        validate();
        for (Integer id : logitBias.keySet()) {
            if (id >= vocabSize) {
                throw bad("logit_bias", "token id " + id + " is outside the vocabulary of " + vocabSize + " tokens");
            }
        }
        return this;
    }

    private static IllegalArgumentException bad(String field, String problem) {
        return new IllegalArgumentException(field + ": " + problem);
    }

    /** Map.copyOf would throw a bare NullPointerException on a null key or value; say what is wrong instead. */
    private static Map<Integer, Double> copyBias(Map<Integer, Double> bias) {
        Map<Integer, Double> copy = new HashMap<>(bias.size() * 2);
        for (Map.Entry<Integer, Double> e : bias.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw bad("logit_bias", "token ids and biases must not be null");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return Map.copyOf(copy);
    }
}
