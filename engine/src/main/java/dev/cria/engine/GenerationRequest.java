package dev.cria.engine;

import dev.cria.sampling.SamplingParams;

import java.util.List;

/**
 * One generation: a prompt already rendered and tokenized, and how to continue it.
 *
 * @param prompt      token ids (BOS included when wanted)
 * @param sampling    sampler settings
 * @param maxTokens   generated tokens at most; the context length also bounds it
 * @param stop        stop strings: output is cut before the leftmost one and it is never emitted
 * @param ignoreEos   keep going past end-of-generation tokens
 * @param topLogprobs -1: no logprobs; 0..20: the sampled token's logprob plus that many alternatives
 */
public record GenerationRequest(int[] prompt, SamplingParams sampling, int maxTokens, List<String> stop,
                                boolean ignoreEos, int topLogprobs) {
    public GenerationRequest {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    public static GenerationRequest greedy(int[] prompt, int maxTokens) {
        return new GenerationRequest(prompt, SamplingParams.greedy(), maxTokens, List.of(), false, -1);
    }
}
