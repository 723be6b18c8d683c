package dev.cria.loader;

import dev.cria.io.gguf.GgufFile;
import dev.cria.io.gguf.GgufWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The tiny Q8_0 model (a real Llama 3.2 architecture at toy size) copied into a temp dir as
 * "corrupt.gguf" with one metadata value or one tensor's bytes changed, written with {@link GgufWriter}.
 */
final class CorruptTinyModel {
    static final Path TINY_Q8_0 = Golden.model("tiny-llama3-Q8_0.gguf");

    private CorruptTinyModel() {
    }

    /** The tiny model with {@code key} set to {@code value} (GgufWriter's types: Long, Double → FLOAT32, String ...). */
    static Path withKey(Path dir, String key, Object value) {
        return rewrite(dir, key, value, null, null);
    }

    /** The tiny model with {@code tensor}'s bytes changed by {@code corrupt}, on a copy. */
    static Path withTensor(Path dir, String tensor, Consumer<MemorySegment> corrupt) {
        return rewrite(dir, null, null, tensor, corrupt);
    }

    private static Path rewrite(Path dir, String key, Object value, String tensor, Consumer<MemorySegment> corrupt) {
        Path out = dir.resolve("corrupt.gguf");
        try (GgufFile f = GgufFile.open(TINY_Q8_0); Arena arena = Arena.ofConfined()) {
            GgufWriter w = new GgufWriter();
            f.metadata().forEach(w::put);
            if (key != null) w.put(key, value);
            for (GgufFile.TensorInfo t : f.tensors().values()) {
                MemorySegment data = f.data(t);
                if (t.name().equals(tensor)) {
                    data = arena.allocate(data.byteSize()).copyFrom(data);
                    corrupt.accept(data);
                }
                w.tensor(t.name(), t.type(), t.ne(), data);
            }
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.exists(out)) throw new IllegalStateException("not written: " + out);
        return out;
    }
}
