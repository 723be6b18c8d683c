package dev.cria.sampling;

import java.util.Map;

/**
 * What a request asks of the sampler. Defaults follow the OpenAI API: temperature 1, top_p 1,
 * no penalties. {@code temperature == 0} means greedy (argmax). {@code topK <= 0} disables top-k,
 * {@code minP <= 0} disables min-p, {@code repetitionPenalty == 1} disables it. {@code seed}
 * null means a random seed. {@code logitBias} maps token id → bias added to its logit
 * (OpenAI: -100..100).
 */
public record SamplingParams(double temperature, double topP, int topK, double minP, Long seed,
                             double presencePenalty, double frequencyPenalty, double repetitionPenalty,
                             Map<Integer, Double> logitBias) {
    public SamplingParams {
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
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
}
