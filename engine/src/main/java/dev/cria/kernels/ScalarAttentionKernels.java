package dev.cria.kernels;

/**
 * The plain-loop twin of {@link AttentionKernels#softmaxStep}: weight t is added to lane
 * {@code t % lanes} of the running sums, as the vector adds a block a vector at a time, and the exp
 * is {@link SoftmaxExp#scalar} (the same bits as {@link SoftmaxExp#vector}); with
 * {@code lanes = AttentionKernels.LANES} the two give the same bits.
 */
final class ScalarAttentionKernels {
    private ScalarAttentionKernels() {
    }

    static void softmaxStep(float[] scores, int scoresOff, int blockSize, float scale, float[] max, int maxAt,
                            float[] sums, int sumsAt, int lanes, float[] out, int outOff, int headDim) {
        float blockMax = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < blockSize; t++) blockMax = Math.max(blockMax, scores[scoresOff + t] * scale);
        if (blockMax > max[maxAt]) {
            float r = SoftmaxExp.scalar(max[maxAt] - blockMax);
            for (int j = 0; j < headDim; j++) out[outOff + j] *= r;
            for (int lane = 0; lane < lanes; lane++) sums[sumsAt + lane] *= r;
            max[maxAt] = blockMax;
        }
        for (int t = 0; t < blockSize; t++) {
            float w = SoftmaxExp.scalar(scores[scoresOff + t] * scale - max[maxAt]);
            scores[scoresOff + t] = w;
            sums[sumsAt + t % lanes] += w;
        }
    }
}
