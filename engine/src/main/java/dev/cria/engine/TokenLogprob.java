package dev.cria.engine;

import java.util.List;

/**
 * The log-probability of a sampled token and, when asked, of the most likely alternatives
 * (OpenAI {@code logprobs.content[]}): natural log, over the distribution before any
 * temperature/top-p filtering (what the model assigns).
 */
public record TokenLogprob(int tokenId, byte[] bytes, double logprob, List<Alternative> top) {
    public record Alternative(int tokenId, byte[] bytes, double logprob) {
    }
}
