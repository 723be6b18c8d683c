package dev.cria.model;

import dev.cria.tensor.WeightMatrix;

import java.util.List;

/** One transformer block's weights (GGUF names {@code blk.N.*}). Norm weights are small and held as floats. */
public record LayerWeights(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                           float[] ffnNorm, WeightMatrix wGate, WeightMatrix wUp, WeightMatrix wDown) {
    /** The block's seven weight matrices, attention's then the feed-forward's. */
    public List<WeightMatrix> matrices() {
        return List.of(wq, wk, wv, wo, wGate, wUp, wDown);
    }
}
