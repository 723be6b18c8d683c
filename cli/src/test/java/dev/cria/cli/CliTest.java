package dev.cria.cli;

import dev.cria.io.gguf.GgufFile;
import dev.cria.io.gguf.GgufWriter;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code cria} commands as a script sees them: stdout, stderr and the exit code. */
class CliTest {
    static final Path DATA = Path.of(System.getProperty("cria.testdata", "testdata"));
    static final String TINY = DATA.resolve("models/tiny-llama3-F16.gguf").toString();

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    private String stdout() {
        return console.stdout();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> golden(String prompt) throws Exception {
        Map<String, Object> root = StrictJson.parseObject(Files.readString(DATA.resolve("golden/logits/tiny-llama3-F16.json")));
        return (Map<String, Object>) ((Map<String, Object>) root.get("results")).get(prompt);
    }

    @Test
    @SuppressWarnings("unchecked")
    void generatePrintsOnlyTheGreedyContinuation() throws Exception {
        Map<String, Object> g = golden("short_en");
        List<Object> promptIds = (List<Object>) g.get("ids");
        List<Object> greedy = (List<Object>) ((Map<String, Object>) g.get("reference")).get("greedy");
        // The prompt text (BOS dropped) tokenizes back to the golden ids; the continuation's text is the decoded greedy ids.
        assertThat(Main.run(args("detokenize", TINY, promptIds.subList(1, promptIds.size())))).isZero();
        String prompt = stdout().stripTrailing();
        console.reset();
        Object[] first10 = greedy.subList(0, 10).stream().map(o -> ((Map<String, Object>) o).get("id")).toArray();
        assertThat(Main.run(args("detokenize", TINY, List.of(first10)))).isZero();
        String expected = stdout().substring(0, stdout().length() - System.lineSeparator().length());
        console.reset();

        int code = Main.run("generate", TINY, "--prompt", prompt, "--max-tokens", "10", "--temperature", "0", "--ignore-eos");

        assertThat(code).isZero();
        assertThat(stdout()).isEqualTo(expected);
    }

    /** What a script sees on stderr, less the CPU warnings a model command may print first. */
    private List<String> errorLines() {
        // Warnings and a load's progress lines are not errors.
        return console.stderr().lines().filter(l -> !l.startsWith("cria: warning: ") && !l.startsWith("cria: loading ")).toList();
    }

    @Test
    void corruptRopeBaseIsOneLineNamingFileAndKeyAndExitCode1(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("corrupt.gguf");
        try (GgufFile f = GgufFile.open(Path.of(TINY))) {
            GgufWriter w = new GgufWriter();
            f.metadata().forEach(w::put);
            w.put("llama.rope.freq_base", Double.NaN);
            for (GgufFile.TensorInfo t : f.tensors().values()) w.tensor(t.name(), t.type(), t.ne(), f.data(t));
            w.write(model);
        }

        int code = Main.run("generate", model.toString(), "--prompt", "Hi", "--max-tokens", "2");

        assertThat(code).isEqualTo(1);
        assertThat(stdout()).isEmpty();
        assertThat(errorLines()).containsExactly("cria: corrupt.gguf: llama.rope.freq_base is NaN, expected a finite number > 0");
    }

    @Test
    void corruptTensorNameLengthIsOneShortPrintableLine(@TempDir Path dir) throws Exception {
        // Issue #17: a tensor-name length made huge printed a 4.56 MB error of raw file bytes.
        byte[] b = Files.readAllBytes(Path.of(TINY));
        byte[] name = "output_norm.weight".getBytes(StandardCharsets.UTF_8);
        byte[] prefixed = ByteBuffer.allocate(8 + name.length).order(ByteOrder.LITTLE_ENDIAN).putLong(name.length).put(name).array();
        int at = indexOf(b, prefixed);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, 4_560_000L);
        Path model = Files.write(dir.resolve("corrupt.gguf"), b);

        int code = Main.run("generate", model.toString(), "--prompt", "Hi", "--max-tokens", "2");

        assertThat(code).isEqualTo(1);
        assertThat(errorLines()).singleElement().satisfies(line -> {
            assertThat(line).startsWith("cria: corrupt.gguf: tensor name at byte " + at + " is 4560000 bytes long");
            assertThat(line.length()).isLessThan(400);
            assertThat(line.chars().noneMatch(Character::isISOControl)).isTrue();
        });
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void tokenizePrintsAJsonArray() {
        assertThat(Main.run("tokenize", TINY, "Hello world")).isZero();
        assertThat(stdout().strip()).isEqualTo("[9906, 1917]");
    }

    @Test
    void tokenizeParsesControlTokensOnlyWithSpecial() {
        assertThat(Main.run("tokenize", TINY, "<|eot_id|>", "--special")).isZero();
        assertThat(stdout().strip()).isEqualTo("[128009]");
        console.reset();
        assertThat(Main.run("tokenize", TINY, "<|eot_id|>")).isZero();
        assertThat(stdout().strip()).isEqualTo("[27, 91, 68, 354, 851, 91, 29]");
    }

    @Test
    @SuppressWarnings("unchecked")
    void benchPrintsJsonFigures() {
        int code = Main.run("bench", TINY, "-p", "16", "-n", "4", "-r", "1", "-t", "1", "--json", "--no-bandwidth");
        assertThat(code).isZero();
        List<Object> results = (List<Object>) StrictJson.parse(stdout());
        assertThat(results).hasSize(2);
        Map<String, Object> pp = (Map<String, Object>) results.get(0);
        Map<String, Object> tg = (Map<String, Object>) results.get(1);
        assertThat(pp.get("test")).isEqualTo("pp16");
        assertThat(tg.get("test")).isEqualTo("tg4");
        assertThat(((Number) pp.get("tokens_per_second")).doubleValue()).isPositive();
        assertThat(((Number) tg.get("tokens_per_second")).doubleValue()).isPositive();
        assertThat(((Number) tg.get("threads")).intValue()).isEqualTo(1);
        assertThat(((Number) pp.get("multiply_adds_per_token")).longValue()).isPositive();
        assertThat(((Number) pp.get("fma_gmacs")).doubleValue()).as("not measured with --no-bandwidth").isZero();
        assertThat(((Number) pp.get("fma_fraction")).doubleValue()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void benchGeneratesSeveralSequencesInOneBatch() {
        int code = Main.run("bench", TINY, "-p", "0", "-n", "3", "-s", "4", "-r", "1", "-t", "1", "--json", "--no-bandwidth");
        assertThat(code).isZero();
        List<Object> results = (List<Object>) StrictJson.parse(stdout());
        assertThat(results).hasSize(1);
        Map<String, Object> tg = (Map<String, Object>) results.get(0);
        assertThat(tg.get("test")).isEqualTo("tg3 x4");
        assertThat(((Number) tg.get("tokens_per_second")).doubleValue()).isPositive();
    }

    @Test
    void aZeroSequenceBenchIsRejected() {
        assertThat(Main.run("bench", TINY, "-s", "0", "--no-bandwidth")).isEqualTo(1);
        assertThat(console.stderr()).contains("-s >= 1");
    }

    @Test
    void aMissingModelIsOneLineAndExitCodeOne() {
        int code = Main.run("generate", "/nonexistent/model.gguf", "--prompt", "hi");
        assertThat(code).isEqualTo(1);
        String e = console.stderr();
        assertThat(e).startsWith("cria: ").contains("/nonexistent/model.gguf");
        assertThat(e.strip().lines()).hasSize(1);
    }

    @Test
    void aBadOptionIsAUsageError() {
        assertThat(Main.run("generate", TINY)).isEqualTo(2);
    }

    private static String[] args(String command, String model, List<Object> ids) {
        String[] a = new String[ids.size() + 2];
        a[0] = command;
        a[1] = model;
        for (int i = 0; i < ids.size(); i++) a[i + 2] = String.valueOf(ids.get(i));
        return a;
    }
}
