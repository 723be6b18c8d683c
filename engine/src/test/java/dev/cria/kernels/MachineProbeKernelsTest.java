package dev.cria.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MachineProbeKernelsTest {
    /**
     * Every lane runs the twin's FMA chain, so only the final sum of 8 * lanes values differs:
     * float adds (the chains, then reduceLanes in its own order) against a double sum: at most
     * 8 * lanes roundings of half an ulp of a float no larger than the total, under 1e-5 of it. One
     * step more or fewer moves the total at 1000 steps by ~5e-4 of it: the tolerance sees a miscounted loop.
     */
    @Test
    void fmaChainsAgreesWithItsScalarTwin() {
        for (long steps : new long[]{0, 1, 999, 1000}) {
            double twin = ScalarMachineProbeKernels.fmaChains(steps, MachineProbeKernels.FMA_LANES);
            assertThat((double) MachineProbeKernels.fmaChains(steps)).as("%d steps", steps).isCloseTo(twin, within(1e-5 * twin));
        }
    }

    /** Each step maps a to 0.999 a + 0.001: after n steps a chain started at a0 is 1 + (a0 - 1) 0.999^n (in double, within float rounding). */
    @Test
    void fmaChainsComputesItsContraction() {
        double expected = 0;
        for (int chain = 0; chain < MachineProbeKernels.FMA_CHAINS; chain++) expected += (1 + chain * Math.pow(0.999, 1000)) * MachineProbeKernels.FMA_LANES;

        assertThat((double) MachineProbeKernels.fmaChains(1000)).isCloseTo(expected, within(1e-2));
    }

    /** Integer sums: any order gives the same total, so vector and twin agree exactly, from any start, with any tail. */
    @ParameterizedTest(name = "[{0}, {1})")
    @CsvSource({"0, 4096", "3, 4096", "0, 4101", "5, 5", "7, 20", "64, 1029"})
    void sumLongsIsIdenticalToItsScalarTwin(long from, long to) {
        SplittableRandom rnd = new SplittableRandom(from * 31 + to);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(4200, 64);
            for (long i = 0; i < segment.byteSize(); i++) segment.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());

            assertThat(MachineProbeKernels.sumLongs(segment, from, to)).isEqualTo(ScalarMachineProbeKernels.sumLongs(segment, from, to));
        }
    }

    @Test
    void sumLongsReadsEveryByteIncludingAnUnalignedTail() {
        try (Arena arena = Arena.ofConfined()) {
            long bytes = 4096 + 8 * 3 + 5;
            MemorySegment segment = arena.allocate(bytes + 8, 64);
            for (long i = 0; i + 8 <= bytes; i += 8) {
                segment.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i);
            }
            for (long i = bytes / 8 * 8; i < bytes + 8; i++) {
                segment.set(ValueLayout.JAVA_BYTE, i, (byte) 7);
            }
            long expected = 0;
            for (long i = 0; i + 8 <= bytes; i += 8) {
                expected += i;
            }
            expected += 7 * (bytes % 8);

            assertThat(MachineProbeKernels.sumLongs(segment, 0, bytes)).isEqualTo(expected);
        }
    }
}
