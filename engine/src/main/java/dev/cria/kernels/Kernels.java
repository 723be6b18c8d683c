package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
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
    private static final Map<GgmlType, WeightKernel> VECTOR_256 = new EnumMap<>(GgmlType.class);
    /**
     * The vector width the engine's kernels use: 512 where the CPU has AVX-512, else 256. The system
     * property {@code cria.vectorBits} (256 or 512) overrides it, so that the 256-bit kernels can be
     * tested and measured on an AVX-512 machine.
     */
    private static final int VECTOR_BITS = vectorBits(System.getProperty("cria.vectorBits"), FloatVector.SPECIES_PREFERRED.vectorBitSize());

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
            VECTOR_256.put(t, Vector256Kernels.of(t));
        }
    }

    private Kernels() {
    }

    /**
     * The kernel for {@code w}'s type and layout: {@link #forType} for the file layout; for a layout
     * interleaved for the integer kernels, a scalar decoder of single rows ({@link Q4_0Interleaved},
     * {@link Q4_KInterleaved}, {@link Q6_KInterleaved}: such matrices are multiplied by
     * {@link Q8MatMul}; this serves the embedding lookup).
     */
    public static WeightKernel forMatrix(WeightMatrix w) {
        return switch (w.layout()) {
            case Q4_0_INTERLEAVED -> Q4_0Interleaved.ROW_KERNEL;
            case Q4_K_INTERLEAVED -> Q4_KInterleaved.ROW_KERNEL;
            case Q6_K_INTERLEAVED -> Q6_KInterleaved.ROW_KERNEL;
            case GGML_BLOCKS -> forType(w.type());
        };
    }

    /** The plain-loop reference kernel (ggml's dequantize_row_* value by value; dot in double). */
    public static WeightKernel scalar(GgmlType type) {
        return SCALAR.get(type);
    }

    /** The 512-bit Vector API kernel (AVX-512); its dot follows {@link FloatDot}'s summation order. */
    public static WeightKernel vector(GgmlType type) {
        return VECTOR.get(type);
    }

    /** The 256-bit kernel (AVX2): the same bits as {@link #vector}. */
    static WeightKernel vector256(GgmlType type) {
        return VECTOR_256.get(type);
    }

    /** The vector width of the kernels {@link #forType} returns: 512 or 256. */
    public static int vectorBits() {
        return VECTOR_BITS;
    }

    /** The width for a {@code cria.vectorBits} value (null: none given); a value other than 256 or 512 is ignored ({@link #vectorBitsWarning}). */
    static int vectorBits(String forced, int preferredBits) {
        String v = forced == null ? "" : forced.trim();
        if (v.equals("512") || v.equals("256")) return Integer.parseInt(v);
        return preferredBits >= 512 ? 512 : 256;
    }

    /** A one-line warning when the {@code cria.vectorBits} property is set to something other than 256 or 512, or null. */
    public static String vectorBitsWarning() {
        return vectorBitsWarning(System.getProperty("cria.vectorBits"));
    }

    static String vectorBitsWarning(String forced) {
        if (forced == null || forced.trim().equals("256") || forced.trim().equals("512")) return null;
        return "ignoring -Dcria.vectorBits=" + forced + " (it must be 256 or 512): using " + VECTOR_BITS + "-bit kernels";
    }

    /**
     * A one-line warning when this JVM cannot run the kernels at speed, or null. The kernels need
     * 256-bit vectors at least (AVX2); where the CPU, or {@code -XX:UseAVX}, offers narrower ones,
     * C2 compiles no vector instructions for them and every vector operation runs as a Java loop
     * (measured with 512-bit kernels on 256-bit vectors: 1B Q4_0 generation 0.15 instead of 13.5 t/s).
     */
    public static String slowVectorWarning() {
        return slowVectorWarning(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    static String slowVectorWarning(int preferredBits) {
        if (preferredBits >= 256) return null;
        return "this CPU offers " + preferredBits + "-bit vectors, and Cria's kernels need AVX2 (256-bit) or AVX-512 to run at speed:"
                + " expect generation about 90x slower";
    }

    /** The fastest kernel for {@code type} on this CPU: the 512-bit one, or the 256-bit one without AVX-512. */
    public static WeightKernel forType(GgmlType type) {
        return VECTOR_BITS == 512 ? VECTOR.get(type) : VECTOR_256.get(type);
    }
}
