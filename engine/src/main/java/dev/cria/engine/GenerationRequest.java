package dev.cria.engine;

import dev.cria.grammar.TokenGrammar;
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
 * @param grammar     null, or the grammar every generated token must follow ({@link Engine#compileGrammar});
 *                    the generation then ends when the grammar is complete and closes the text when
 *                    max_tokens would otherwise cut it (finish reason stop)
 */
public record GenerationRequest(int[] prompt, SamplingParams sampling, int maxTokens, List<String> stop,
                                boolean ignoreEos, int topLogprobs, TokenGrammar grammar) {
    public GenerationRequest {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** An unconstrained generation. */
    public GenerationRequest(int[] prompt, SamplingParams sampling, int maxTokens, List<String> stop,
                             boolean ignoreEos, int topLogprobs) {
        this(prompt, sampling, maxTokens, stop, ignoreEos, topLogprobs, null);
    }

    /** The same request constrained by {@code grammar} (null: unconstrained). */
    public GenerationRequest withGrammar(TokenGrammar grammar) {
        return new GenerationRequest(prompt, sampling, maxTokens, stop, ignoreEos, topLogprobs, grammar);
    }

    public static GenerationRequest greedy(int[] prompt, int maxTokens) {
        return new GenerationRequest(prompt, SamplingParams.greedy(), maxTokens, List.of(), false, -1);
    }
}
