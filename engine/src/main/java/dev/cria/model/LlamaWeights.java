package dev.cria.model;

import dev.cria.tensor.WeightMatrix;

import java.util.List;

/**
 * All weights of a Llama model, as views over mmap'd file bytes. {@code output} is the same
 * matrix as {@code tokenEmbedding} when the embeddings are tied (Llama 3.2 1B/3B).
 */
public record LlamaWeights(WeightMatrix tokenEmbedding, List<LayerWeights> layers, float[] outputNorm,
                           WeightMatrix output) {
    public long parameterCount() {
        long n = (long) tokenEmbedding.rows() * tokenEmbedding.cols() + outputNorm.length + layerMultiplyAddsPerToken();
        if (output != tokenEmbedding) n += (long) output.rows() * output.cols();
        for (LayerWeights l : layers) n += l.attnNorm().length + l.ffnNorm().length;
        return n;
    }

    /** Bytes of weights read to generate one token (every matrix once; the embedding row is negligible). */
    public long bytesPerToken() {
        long n = output.byteSize();
        for (LayerWeights l : layers) {
            for (WeightMatrix m : l.matrices()) {
                n += m.byteSize();
            }
        }
        return n;
    }

    /**
     * Multiply-adds of the transformer layers' matmuls for one prompt token (rows x cols of every
     * layer matrix): the arithmetic a prompt token costs, attention and the output matrix (computed
     * for a prompt's last token only) aside.
     */
    public long layerMultiplyAddsPerToken() {
        long n = 0;
        for (LayerWeights l : layers) {
            for (WeightMatrix m : l.matrices()) {
                n += (long) m.rows() * m.cols();
            }
        }
        return n;
    }
}
