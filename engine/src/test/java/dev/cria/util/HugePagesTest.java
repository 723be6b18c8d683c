package dev.cria.util;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HugePagesTest {
    private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    @Test
    void allocationIsAlignedZeroedAndUsable() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = HugePages.allocate(arena, 3 * HugePages.SIZE + 5);
            assertThat(seg.address() % HugePages.SIZE).isZero();
            assertThat(seg.byteSize()).isEqualTo(3 * HugePages.SIZE + 5);
            assertThat(seg.get(ValueLayout.JAVA_BYTE, seg.byteSize() - 1)).isZero();
            seg.set(ValueLayout.JAVA_BYTE, seg.byteSize() - 1, (byte) 7);
            assertThat(seg.get(ValueLayout.JAVA_BYTE, seg.byteSize() - 1)).isEqualTo((byte) 7);
        }
    }

    /** Released pages of a file mapping leave the resident set, not the file: read again, they hold the same bytes. */
    @Test
    void releasedFilePagesReadBackTheFilesBytes() throws IOException {
        Path file = Files.createTempFile("cria-release", ".bin");
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = new byte[4 * 4096 + 123];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31 + 7);
            Files.write(file, bytes);
            MemorySegment seg = FileMapping.map(file, arena);
            assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
            boolean linux = System.getProperty("os.name", "").startsWith("Linux");
            assertThat(HugePages.release(seg.asSlice(100, 4 * 4096 - 100))).isEqualTo(linux);
            assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
            // no whole page inside: nothing to release
            assertThat(HugePages.release(seg.asSlice(100, 4000))).isFalse();
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void adviceOnAnEmptySegmentIsDeclined() {
        assertThat(HugePages.advise(MemorySegment.ofArray(new byte[0]))).isFalse();
    }

    /** Where the kernel offers transparent huge pages, an advised allocation is backed by them once touched. */
    @Test
    void advisedMemoryIsBackedByHugePagesWhereTheKernelOffersThem() throws IOException {
        // "always [madvise] never" names the mode in brackets; without the file (not Linux) there are none
        String mode = Files.isReadable(THP_MODE) ? Files.readString(THP_MODE) : "[never]";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = HugePages.allocate(arena, 8 * HugePages.SIZE);
            for (long i = 0; i < seg.byteSize(); i += 4096) seg.set(ValueLayout.JAVA_BYTE, i, (byte) 1);
            long hugeKb = anonHugeKb(seg.address());
            if (mode.contains("[never]")) {
                assertThat(hugeKb).isZero();
            } else {
                assertThat(hugeKb).as("AnonHugePages of the advised mapping (THP mode: %s)", mode.strip()).isGreaterThanOrEqualTo(2048);
            }
        }
    }

    /** AnonHugePages of the /proc/self/smaps entry that contains {@code address}; 0 where there is no smaps. */
    private static long anonHugeKb(long address) throws IOException {
        Path smaps = Path.of("/proc/self/smaps");
        if (!Files.isReadable(smaps)) return 0;
        List<String> lines = Files.readAllLines(smaps);
        boolean inside = false;
        for (String line : lines) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                inside = Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16);
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return 0;
    }
}
