package dev.cria.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The 16-lane building blocks of the vector kernels: 16 weight bytes widened to 16 ints in one step
 * (a load plus vpmovzxbd / vpmovsxbd), then int arithmetic with constant shift counts for the bit
 * fields and one int-to-float conversion. Variable shift counts, masks and blends are avoided: C2
 * does not intrinsify all of them, and a vector op that is not intrinsified boxes every vector.
 */
final class QuantVectors {
    static final VectorSpecies<Float> F = FloatDot.F;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private QuantVectors() {
    }

    /** Bytes {@code off..off+15} of {@code w}, zero-extended. */
    static IntVector u8x16(MemorySegment w, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B128, w, off, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** Bytes {@code off..off+15} of {@code w}, sign-extended. */
    static IntVector i8x16(MemorySegment w, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B128, w, off, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    static IntVector shr(IntVector v, int bits) {
        return v.lanewise(VectorOperators.LSHR, bits);
    }

    static IntVector shl(IntVector v, int bits) {
        return v.lanewise(VectorOperators.LSHL, bits);
    }

    static FloatVector x16(float[] x, int i) {
        return FloatVector.fromArray(F, x, i);
    }

    static FloatVector splat(float v) {
        return FloatVector.broadcast(F, v);
    }
}
