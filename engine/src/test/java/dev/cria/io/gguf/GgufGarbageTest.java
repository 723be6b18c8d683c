package dev.cria.io.gguf;

import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static dev.cria.io.gguf.GgufTestFiles.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Garbage in gives a ModelFormatException, never an OutOfMemoryError or another exception. */
class GgufGarbageTest {
    @TempDir
    Path dir;

    /** Opens {@code bytes}; true when it parsed, false on a ModelFormatException; anything else fails the test. */
    private boolean opens(byte[] bytes) throws IOException {
        Path p = Files.write(dir.resolve("g.gguf"), bytes);
        try (GgufFile f = GgufFile.open(p)) {
            for (GgufFile.TensorInfo t : f.tensors().values()) f.tensor(t.name());
            return true;
        } catch (ModelFormatException e) {
            assertThat(e.getMessage()).startsWith("g.gguf: ").doesNotContain("\n");
            return false;
        }
    }

    @Test
    void emptyFileIsNotAGgufFile() throws IOException {
        Path p = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("empty.gguf: not a GGUF file (empty file)");
    }

    @Test
    void randomBytesAreRejected() throws IOException {
        Random r = new Random(1);
        for (int i = 0; i < 100; i++) {
            byte[] b = new byte[r.nextInt(2000)];
            r.nextBytes(b);
            assertThat(opens(b)).isFalse();
        }
    }

    @Test
    void randomBytesAfterAValidPrefixAreRejectedCleanly() throws IOException {
        Random r = new Random(2);
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[24 + r.nextInt(2000)];
            r.nextBytes(b);
            byte[] prefix = gguf().counts((long) r.nextInt(4), (long) r.nextInt(4)).build();
            System.arraycopy(prefix, 0, b, 0, 24);
            opens(b);
        }
    }

    @Test
    void corruptedValidFilesNeverCrash() throws IOException {
        byte[] good = gguf().kv("general.architecture", "llama")
                .array("tokenizer.ggml.tokens", STRING, 3, b -> b.str("a").str("bb").str("ccc"))
                .array("tokenizer.ggml.scores", FLOAT32, 2, b -> b.f32(1).f32(2))
                .array("nested", ARRAY, 1, b -> b.u32(UINT16).u64(2).u16(1).u16(2))
                .f32Tensor("x", new long[]{2, 2}, 1, 2, 3, 4)
                .tensor("q", 8, new long[]{32, 2}, new byte[68])
                .build();
        assertThat(opens(good)).isTrue();
        Random r = new Random(3);
        int parsed = 0;
        for (int i = 0; i < 600; i++) {
            byte[] b = good.clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                int at = r.nextInt(b.length);
                b[at] = r.nextBoolean() ? (byte) r.nextInt() : (byte) (b[at] ^ 0x80);
            }
            if (opens(b)) parsed++;
        }
        assertThat(parsed).isLessThan(600); // corruption was detected at least sometimes
    }

    @Test
    void absurdTensorCountIsRejected() throws IOException {
        Path p = gguf().counts(1L << 62, 0L).write(dir.resolve("n.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("n.gguf: truncated header (tensor count 4611686018427387904 does not fit in the file)");
    }

    @Test
    void absurdMetadataCountIsRejected() throws IOException {
        Path p = gguf().counts(0L, -1L).write(dir.resolve("n.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("n.gguf: truncated header (metadata count 18446744073709551615 does not fit in the file)");
    }

    @Test
    void absurdArrayLengthIsRejected() throws IOException {
        Path p = gguf().array("tokenizer.ggml.tokens", STRING, 1L << 40, b -> b.str("a")).write(dir.resolve("n.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("n.gguf: truncated header (array 'tokenizer.ggml.tokens' of 1099511627776 values does not fit in the file)");
    }

    @Test
    void arrayOfWideValuesLongerThanTheFileIsRejected() throws IOException {
        // 100 UINT64 need 800 bytes; the file has far fewer (a count check of 1 byte per value would let it pass)
        Path p = gguf().array("a", UINT64, 100, b -> b.raw(new byte[120])).write(dir.resolve("n.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("n.gguf: truncated header (array 'a' of 100 values does not fit in the file)");
    }

    @Test
    void absurdStringLengthIsRejected() throws IOException {
        Path p = gguf().kv("general.name", STRING, b -> b.u64(Long.MAX_VALUE)).write(dir.resolve("n.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("n.gguf: truncated header (reading metadata 'general.name': string of 9223372036854775807 bytes");
    }

    @Test
    void stringLengthOf2To63IsRejectedWithoutAllocating() throws IOException {
        // As a signed long 2^63 is negative: it must be refused, not cast to an array size.
        Path p = gguf().kv("general.name", STRING, b -> b.u64(Long.MIN_VALUE)).write(dir.resolve("n.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("n.gguf: truncated header (reading metadata 'general.name': string of 9223372036854775808 bytes");
    }

    @Test
    void tensorNameLengthOf2To63IsRejectedWithoutAllocating() throws IOException {
        byte[] b = gguf().f32Tensor("x", new long[]{1}, 1f).build();
        int at = 24; // magic, version, tensor count, kv count: the first tensor info's name length follows
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(at, Long.MIN_VALUE);
        Path p = Files.write(dir.resolve("n.gguf"), b);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("n.gguf: tensor name at byte 24 is 9223372036854775808 bytes long (at most 63");
    }

    @Test
    void dimensionsWhoseProductOverflowsAreRejected() throws IOException {
        Path p = gguf().tensorInfo("big", 0, new long[]{1L << 32, 1L << 32, 1L << 32}, 0).write(dir.resolve("n.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("n.gguf: tensor 'big' is absurdly large (its size overflows 64 bits)");
    }

    @Test
    void byteSizeThatWouldOverflowIsRejectedNotWrapped() throws IOException {
        // 2^62 + 8 F32 values: the element count fits in a long, the byte count (x4) does not
        Path p = gguf().tensorInfo("big", 0, new long[]{(1L << 62) + 8}, 0).write(dir.resolve("n.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("n.gguf: tensor 'big' is absurdly large (its size overflows 64 bits)");
    }

    @Test
    void hugeSparseFileWithAbsurdArrayHitsTheHeapBudgetNotOutOfMemory() throws IOException {
        // 3 GB of zeros (sparse): an array of 2.9 billion UINT8 "fits" the file but not the heap
        long count = 2_900_000_000L;
        Path p = gguf().array("a", UINT8, count, b -> { }).write(dir.resolve("huge.gguf"));
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(3_000_000_000L);
        }
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("huge.gguf: header needs more than 512 MiB of memory (at 'a'; corrupt file?)");
    }

    @Test
    void hugeSparseFileWithMillionsOfEmptyStringsHitsTheHeapBudget() throws IOException {
        long count = 300_000_000L; // 8 bytes each in the file (empty strings), a reference each on the heap
        Path p = gguf().array("tokenizer.ggml.tokens", STRING, count, b -> { }).write(dir.resolve("huge.gguf"));
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(3_000_000_000L);
        }
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("header needs more than 512 MiB of memory");
    }
}
