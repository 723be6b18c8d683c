package dev.cria.kernels;

/**
 * Plain-loop twins of {@link ExpWeights}: within each full block, weight i is added to lane
 * {@code i % lanes} and the lanes are then added in order, as the vector version does a vector at
 * a time, and the exp is {@link SoftmaxExp#scalar}; with {@code lanes = SoftmaxExp.SPECIES.length()}
 * the weights, block sums and total have the same bits.
 */
final class ScalarExpWeights {
    private ScalarExpWeights() {
    }

    static float max(float[] a, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, a[i]);
        return max;
    }

    static double sum(float[] a, int n, float max, int lanes) {
        return exp(a.clone(), n, max, 1f, null, lanes);
    }

    static double fill(float[] a, int n, float max, float scale, double[] blockSums, int lanes) {
        return exp(a, n, max, scale, blockSums, lanes);
    }

    private static double exp(float[] a, int n, float max, float scale, double[] blockSums, int lanes) {
        double total = 0;
        float[] laneSums = new float[lanes];
        for (int b = 0; b * ExpWeights.BLOCK < n; b++) {
            int from = b * ExpWeights.BLOCK, to = Math.min(n, from + ExpWeights.BLOCK);
            boolean full = to - from == ExpWeights.BLOCK;
            java.util.Arrays.fill(laneSums, 0f);
            float blockSum = 0;
            for (int i = from; i < to; i++) {
                a[i] = SoftmaxExp.scalar((a[i] - max) * scale);
                if (full) {
                    laneSums[(i - from) % lanes] += a[i];
                } else {
                    blockSum += a[i];
                }
            }
            if (full) {
                for (float s : laneSums) blockSum += s;
            }
            if (blockSums != null) blockSums[b] = blockSum;
            total += blockSum;
        }
        return total;
    }
}
