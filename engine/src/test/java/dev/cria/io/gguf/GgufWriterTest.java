package dev.cria.io.gguf;

import dev.cria.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What GgufWriter writes, GgufFile reads back: metadata of every written type and tensor bytes. */
class GgufWriterTest {
    @Test
    void writtenFilesReadBack(@TempDir Path dir) throws Exception {
        MemorySegment q8 = MemorySegment.ofArray(new byte[2 * 34]);
        for (int i = 0; i < q8.byteSize(); i++) q8.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
        MemorySegment f32 = MemorySegment.ofArray(new byte[12]);
        Path file = dir.resolve("w.gguf");
        new GgufWriter()
                .put("general.architecture", "llama")
                .put("small", 7L)
                .put("big", 1L << 40)
                .put("pi", 3.25)
                .put("flag", true)
                .put("names", new String[]{"a", "ü"})
                .put("ids", new int[]{-1, 2})
                .put("fs", new float[]{0.5f})
                .tensor("w", GgmlType.Q8_0, new long[]{32, 2}, q8)
                .tensor("n", GgmlType.F32, new long[]{3}, f32)
                .write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.requireString("general.architecture")).isEqualTo("llama");
            assertThat(f.requireLong("small")).isEqualTo(7);
            assertThat(f.requireLong("big")).isEqualTo(1L << 40);
            assertThat(f.requireDouble("pi")).isEqualTo(3.25);
            assertThat(f.getBool("flag", false)).isTrue();
            assertThat((String[]) f.get("names")).containsExactly("a", "ü");
            assertThat((int[]) f.get("ids")).containsExactly(-1, 2);
            assertThat((float[]) f.get("fs")).containsExactly(0.5f);
            GgufFile.TensorInfo w = f.requireTensor("w");
            assertThat(w.type()).isEqualTo(GgmlType.Q8_0);
            assertThat(w.ne()).containsExactly(32, 2);
            assertThat(f.data(w).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(q8.toArray(ValueLayout.JAVA_BYTE));
            assertThat(f.requireTensor("n").offset() % 32).isZero();
        }
    }
}
