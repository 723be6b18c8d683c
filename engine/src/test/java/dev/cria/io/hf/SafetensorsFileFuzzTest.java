package dev.cria.io.hf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cria.tensor.TensorData;
import dev.cria.util.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Arbitrary bytes as a .safetensors file: {@link SafetensorsFile#open} validates every header entry
 * (dtype, shape, offsets inside the data section, size = product(shape) × dtype size), so afterwards
 * each tensor must be servable; the only allowed failure is {@link ModelFormatException}. The seeds
 * are small files in the layout of SafetensorsTestFiles (8-byte length, JSON header, data).
 */
class SafetensorsFileFuzzTest {
    /** One file, rewritten for every input. */
    private static Path file;

    private static synchronized Path file() throws IOException {
        if (file == null) {
            file = Files.createTempFile("safetensors-fuzz", ".safetensors");
            file.toFile().deleteOnExit();
        }
        return file;
    }

    @FuzzTest(maxDuration = "60s")
    void openArbitraryBytes(byte[] bytes) throws IOException {
        Path p = file();
        Files.write(p, bytes);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            f.metadata();
            for (String name : f.names()) {
                TensorData t = f.tensor(name);
                SafetensorsFile.Entry e = f.entry(name);
                if (t.data().byteSize() != e.end() - e.begin()) throw new AssertionError("tensor '" + name + "' slice has the wrong size");
            }
        } catch (ModelFormatException expected) {
            // the documented failure
        }
    }
}
