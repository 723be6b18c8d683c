package dev.cria.cli;

import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
