package dev.cria.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The 8-lane building blocks of the vector kernels: 8 weight bytes widened to 8 ints in one step
 * (a load plus vpmovzxbd / vpmovsxbd), then int arithmetic for the bit fields and one int-to-float
 * conversion. This avoids the byte-to-float {@code castShape}, which is slow in the Vector API.
 */
final class QuantVectors {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private QuantVectors() {
    }

    /** Bytes {@code off..off+7} of {@code w}, zero-extended. */
    static IntVector u8x8(MemorySegment w, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B64, w, off, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** Bytes {@code off..off+7} of {@code w}, sign-extended. */
    static IntVector i8x8(MemorySegment w, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B64, w, off, LE).convertShape(VectorOperators.B2I, I, 0);
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

    static FloatVector x8(float[] x, int i) {
        return FloatVector.fromArray(F, x, i);
    }

    static FloatVector splat(float v) {
        return FloatVector.broadcast(F, v);
    }
}
