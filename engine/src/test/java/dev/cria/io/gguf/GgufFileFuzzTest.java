package dev.cria.io.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cria.tensor.TensorData;
import dev.cria.util.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Arbitrary bytes as a .gguf file: {@link GgufFile#open} returns a file whose every tensor lies
 * inside it, or throws {@link ModelFormatException}; any other throwable (an NPE, an
 * IndexOutOfBoundsException from a segment read, an OutOfMemoryError from a count taken on trust) is
 * a finding. The seeds (GgufFileFuzzTestInputs/openArbitraryBytes) are small files made by
 * {@link GgufWriter}, so the fuzzer starts from a well-formed header with every value type the writer knows.
 */
class GgufFileFuzzTest {
    /** One file, rewritten for every input: a fresh temp file each time would make the fuzzer disk-bound. */
    private static Path file;

    private static synchronized Path file() throws IOException {
        if (file == null) {
            file = Files.createTempFile("gguf-fuzz", ".gguf");
            file.toFile().deleteOnExit();
        }
        return file;
    }

    @FuzzTest(maxDuration = "60s")
    void openArbitraryBytes(byte[] bytes) throws IOException {
        Path p = file();
        Files.write(p, bytes);
        try (GgufFile f = GgufFile.open(p)) {
            // What the loader does next with an opened file: typed lookups and each tensor's bytes.
            f.getString("general.architecture", null);
            f.getLong("general.alignment", 0);
            for (GgufFile.TensorInfo t : f.tensors().values()) {
                TensorData d = f.tensor(t.name());
                if (d.data().byteSize() != t.byteSize()) throw new AssertionError("tensor '" + t.name() + "' slice has the wrong size");
            }
        } catch (ModelFormatException expected) {
            // the documented failure
        }
    }
}
