package dev.cria.kernels;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadBandwidthTest {
    @Test
    void measuresAPositiveFiniteFigureOnA64MiBBuffer() {
        double gbps = ReadBandwidth.measureGBps(64L << 20, 2, 3);

        assertThat(gbps).isPositive().isFinite();
    }

    @Test
    void sumReadsEveryByteIncludingAnUnalignedTail() {
        try (Arena arena = Arena.ofConfined()) {
            long bytes = 4096 + 8 * 3 + 5;
            MemorySegment segment = arena.allocate(bytes, 64);
            for (long i = 0; i + 8 <= bytes; i += 8) {
                segment.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i);
            }
            for (long i = bytes / 8 * 8; i < bytes; i++) {
                segment.set(ValueLayout.JAVA_BYTE, i, (byte) 7);
            }
            long expected = 0;
            for (long i = 0; i + 8 <= bytes; i += 8) {
                expected += i;
            }
            expected += 7 * (bytes % 8);

            assertThat(ReadBandwidth.sum(segment, 0, bytes)).isEqualTo(expected);
        }
    }

    @Test
    void rejectsANonPositiveThreadCount() {
        assertThatThrownBy(() -> ReadBandwidth.measureGBps(1 << 20, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: must be positive, got 0");
    }
}
