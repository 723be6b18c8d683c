package dev.cria.kernels;

import dev.cria.io.gguf.GgufFile;
import dev.cria.tensor.GgmlType;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Dequantization of every tensor of the shipped GGUF fixtures against gguf-py's numpy port of
 * ggml's dequantize_row_* (testdata/golden/README.md sections 3 and 7: sum and sum of squares in
 * float64, and the exact float32 first 8 values of rows 0, 1 and the last row), with both the
 * scalar and the vector kernel.
 */
class DequantGoldenTest {
    private static final Path TESTDATA = Path.of(System.getProperty("cria.testdata"));

    @TestFactory
    List<DynamicNode> quantZooTensorsMatchGgml() throws IOException {
        return filesOf(TESTDATA.resolve("golden/zoo/dequant_checksums.json"), TESTDATA.resolve("models/zoo"), 13);
    }

    /** The golden also lists tiny-llama3-BF16.gguf and small-llama3-Q4_K_M.gguf, which are not shipped (README). */
    @TestFactory
    List<DynamicNode> tinyLlamaTensorsMatchGgml() throws IOException {
        return filesOf(TESTDATA.resolve("golden/dequant_checksums.json"), TESTDATA.resolve("models"), 3);
    }

    @SuppressWarnings("unchecked")
    private static List<DynamicNode> filesOf(Path golden, Path models, int shippedFiles) throws IOException {
        Map<String, Object> files = (Map<String, Object>) StrictJson.parseObject(Files.readString(golden)).get("files");
        List<DynamicNode> nodes = new ArrayList<>();
        for (var file : files.entrySet()) {
            Path path = models.resolve(file.getKey());
            if (!Files.exists(path)) continue;
            List<DynamicTest> tests = new ArrayList<>();
            for (var tensor : ((Map<String, Object>) file.getValue()).entrySet()) {
                Map<String, Object> expected = (Map<String, Object>) tensor.getValue();
                tests.add(DynamicTest.dynamicTest(tensor.getKey(), () -> checkTensor(path, tensor.getKey(), expected)));
            }
            nodes.add(DynamicContainer.dynamicContainer(file.getKey(), tests));
        }
        assertThat(nodes).as("shipped fixture files listed in " + golden).hasSize(shippedFiles);
        return nodes;
    }

    @SuppressWarnings("unchecked")
    private static void checkTensor(Path path, String name, Map<String, Object> expected) {
        try (GgufFile gguf = GgufFile.open(path)) {
            GgufFile.TensorInfo info = gguf.requireTensor(name);
            GgmlType type = info.type();
            assertThat(type.name()).isEqualTo(expected.get("type"));
            List<Object> ne = (List<Object>) expected.get("ne");
            assertThat(info.ne()).hasSize(ne.size());
            for (int i = 0; i < ne.size(); i++) assertThat(info.ne()[i]).isEqualTo(((Number) ne.get(i)).longValue());

            int n = Math.toIntExact(info.elementCount());
            int rowLen = (int) info.ne()[0];
            float[] scalar = new float[n];
            float[] vector = new float[n];
            Kernels.scalar(type).dequantize(gguf.data(info), 0, scalar, 0, n);
            Kernels.vector(type).dequantize(gguf.data(info), 0, vector, 0, n);

            for (float[] values : List.of(scalar, vector)) {
                String kernel = values == scalar ? "scalar" : "vector";
                double sum = 0, sumsq = 0;
                for (float v : values) {
                    sum += v;
                    sumsq += (double) v * v;
                }
                double eSum = ((Number) expected.get("sum")).doubleValue();
                double eSumsq = ((Number) expected.get("sumsq")).doubleValue();
                assertThat(sum).as("%s %s sum", kernel, name).isCloseTo(eSum, within(1e-6 * Math.max(Math.abs(eSum), 1e-3)));
                assertThat(sumsq).as("%s %s sumsq", kernel, name).isCloseTo(eSumsq, within(1e-6 * eSumsq));
                int rows = n / rowLen;
                checkFirst8(values, 0, expected.get("row0_first8"), kernel + " " + name + " row 0");
                if (expected.containsKey("row1_first8")) {
                    checkFirst8(values, rowLen, expected.get("row1_first8"), kernel + " " + name + " row 1");
                }
                if (expected.containsKey("rowlast_first8")) {
                    checkFirst8(values, (rows - 1) * rowLen, expected.get("rowlast_first8"), kernel + " " + name + " last row");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkFirst8(float[] values, int start, Object expected, String what) {
        List<Object> e = (List<Object>) expected;
        float[] want = new float[e.size()];
        float[] got = new float[e.size()];
        for (int i = 0; i < e.size(); i++) {
            want[i] = (float) ((Number) e.get(i)).doubleValue(); // 9 significant digits round-trip a float32
            got[i] = values[start + i];
        }
        assertThat(got).as(what).containsExactly(want);
    }
}
