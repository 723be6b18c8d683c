package dev.cria.model;

import dev.cria.tensor.WeightMatrix;

/** One transformer block's weights (GGUF names {@code blk.N.*}). Norm weights are small and held as floats. */
public record LayerWeights(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                           float[] ffnNorm, WeightMatrix wGate, WeightMatrix wUp, WeightMatrix wDown) {
}
