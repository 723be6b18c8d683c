package dev.cria.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileMappingTest {
    @TempDir
    Path dir;

    private Path fileOf(byte[] bytes) throws Exception {
        Path p = dir.resolve("f.bin");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void mapsTheWholeFile() throws Exception {
        byte[] bytes = new byte[10_000];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 7);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = FileMapping.map(fileOf(bytes), arena);
            assertThat(seg.byteSize()).isEqualTo(bytes.length);
            assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
        }
    }

    @Test
    void isThePlainNativeSegmentClassTheKernelsUseForScratch() throws Exception {
        // A second segment class at the kernels' memory accesses made C2 compile the batched matmul slower.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = FileMapping.map(fileOf(new byte[64]), arena);
            assertThat(seg.getClass()).isEqualTo(arena.allocate(64).asReadOnly().getClass());
            assertThat(seg.isMapped()).isFalse();
        }
    }

    @Test
    void isReadOnly() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = FileMapping.map(fileOf(new byte[64]), arena);
            assertThat(seg.isReadOnly()).isTrue();
            assertThatThrownBy(() -> seg.set(ValueLayout.JAVA_BYTE, 0, (byte) 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void cannotBeReadAfterItsArenaCloses() throws Exception {
        Arena arena = Arena.ofConfined();
        MemorySegment seg = FileMapping.map(fileOf(new byte[64]), arena);
        arena.close();
        assertThatThrownBy(() -> seg.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingFileIsOneLine() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> FileMapping.map(dir.resolve("nope.gguf"), arena))
                    .isInstanceOf(ModelFormatException.class).hasMessageEndingWith("nope.gguf: no such file");
        }
    }
}
