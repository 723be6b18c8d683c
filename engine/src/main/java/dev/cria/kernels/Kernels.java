package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;

import java.util.EnumMap;
import java.util.Map;

/**
 * The registry of weight kernels: a scalar reference and a Vector API version for every
 * {@link GgmlType}. Kernels are stateless and thread-safe; each call returns the same instance.
 */
public final class Kernels {
    private static final Map<GgmlType, WeightKernel> SCALAR = new EnumMap<>(GgmlType.class);
    private static final Map<GgmlType, WeightKernel> VECTOR = new EnumMap<>(GgmlType.class);

    static {
        for (GgmlType t : GgmlType.values()) {
            SCALAR.put(t, ScalarKernels.of(t));
            VECTOR.put(t, switch (t) {
                case F32 -> new VectorFloatKernels.F32Kernel();
                case F16 -> new VectorFloatKernels.F16Kernel();
                case BF16 -> new VectorFloatKernels.BF16Kernel();
                case Q4_0 -> new VectorQ32Kernels.Q4_0Kernel();
                case Q4_1 -> new VectorQ32Kernels.Q4_1Kernel();
                case Q5_0 -> new VectorQ32Kernels.Q5_0Kernel();
                case Q5_1 -> new VectorQ32Kernels.Q5_1Kernel();
                case Q8_0 -> new VectorQ32Kernels.Q8_0Kernel();
                case Q2_K -> new VectorKQuantKernels.Q2_KKernel();
                case Q3_K -> new VectorKQuantKernels.Q3_KKernel();
                case Q4_K -> new VectorKQuantKernels.Q4_KKernel();
                case Q5_K -> new VectorKQuantKernels.Q5_KKernel();
                case Q6_K -> new VectorKQuantKernels.Q6_KKernel();
            });
        }
    }

    private Kernels() {
    }

    /** The plain-loop reference kernel (ggml's dequantize_row_* value by value; dot in double). */
    public static WeightKernel scalar(GgmlType type) {
        return SCALAR.get(type);
    }

    /** The Vector API kernel; its dot follows {@link FloatDot}'s summation order. */
    public static WeightKernel vector(GgmlType type) {
        return VECTOR.get(type);
    }

    /**
     * A one-line warning when this JVM cannot run the kernels at speed, or null. The kernels work on
     * 512-bit vectors (FloatDot's summation order is defined on 16 lanes); where the CPU, or
     * {@code -XX:UseAVX}, offers narrower vectors, C2 does not compile them to vector instructions
     * and every vector operation runs as a Java loop. Measured with {@code -XX:UseAVX=2} on the
     * benchmark machine: 1B Q4_0 generation 0.15 instead of 13.5 tokens/s.
     */
    public static String slowVectorWarning() {
        return slowVectorWarning(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    static String slowVectorWarning(int preferredBits) {
        if (preferredBits >= FloatDot.F.vectorBitSize()) return null;
        return "this CPU offers " + preferredBits + "-bit vectors, and Cria's kernels need AVX-512 (512-bit) to run at speed:"
                + " expect generation about 90x slower than on an AVX-512 CPU (there are no 256-bit kernels yet)";
    }

    /** The fastest kernel for {@code type} (the vector one for every type). */
    public static WeightKernel forType(GgmlType type) {
        return VECTOR.get(type);
    }
}
