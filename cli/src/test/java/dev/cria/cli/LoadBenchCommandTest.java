package dev.cria.cli;

import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cria bench-serve} on the tiny model served in-process: short runs, the JSON a script reads. */
class LoadBenchCommandTest {
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @SuppressWarnings("unchecked")
    private Map<String, Object> json() {
        return (Map<String, Object>) StrictJson.parse(console.stdout());
    }

    private static double number(Map<String, Object> m, String field) {
        assertThat(m).containsKey(field);
        return ((Number) m.get(field)).doubleValue();
    }

    @Test
    void aShortRunServesEveryRequestAndReportsTheFigures() {
        int code = Main.run("bench-serve", CliTest.TINY, "--concurrency", "2", "--requests", "4", "--prompt-tokens", "8:16",
                "--max-tokens", "4", "--warmup", "0", "--threads", "1", "--json");

        assertThat(code).as(console.stderr()).isZero();
        Map<String, Object> r = json();
        assertThat(number(r, "requests")).isEqualTo(4);
        assertThat(number(r, "ok")).isEqualTo(4);
        assertThat(number(r, "failed")).isZero();
        assertThat(number(r, "output_tokens")).as("ignore_eos: every request generates max_tokens").isEqualTo(16);
        assertThat(number(r, "output_tokens_per_second")).isPositive();
        assertThat(number(r, "ttft_p50_ms")).isPositive().isLessThanOrEqualTo(number(r, "ttft_p99_ms"));
        assertThat(number(r, "itl_p50_ms")).isPositive().isLessThanOrEqualTo(number(r, "itl_p99_ms"));
        assertThat(number(r, "mean_prompt_tokens")).isGreaterThan(8);
        assertThat(number(r, "kv_blocks_used_after")).isZero();
        assertThat(r).containsEntry("in_process", true).containsKey("duration_s");
    }

    @Test
    void droppedStreamsAreCountedAndCancelledOnTheServer() {
        int code = Main.run("bench-serve", CliTest.TINY, "--endpoint", "completions", "--concurrency", "2", "--requests", "3",
                "--prompt-tokens", "8", "--max-tokens", "400", "--disconnect-fraction", "1", "--warmup", "0", "--threads", "1", "--json");

        assertThat(code).isZero();
        Map<String, Object> r = json();
        assertThat(number(r, "disconnected")).isEqualTo(3);
        assertThat(number(r, "failed")).isZero();
        assertThat(number(r, "server_cancelled")).isEqualTo(3);
        assertThat(number(r, "kv_blocks_used_after")).isZero();
    }

    @Test
    void compareSingleReportsBothRunsAndTheirRatio() {
        int code = Main.run("bench-serve", CliTest.TINY, "--concurrency", "2", "--requests", "2", "--prompt-tokens", "8",
                "--max-tokens", "3", "--warmup", "0", "--threads", "1", "--compare-single", "--json");

        assertThat(code).isZero();
        Map<String, Object> r = json();
        @SuppressWarnings("unchecked")
        Map<String, Object> single = (Map<String, Object>) r.get("single");
        assertThat(number(single, "concurrency")).isEqualTo(1);
        assertThat(number(single, "ok")).isEqualTo(2);
        assertThat(number(r, "concurrency")).isEqualTo(2);
        assertThat(number(r, "throughput_ratio")).isPositive();
    }

    /** Otherwise the concurrent pass would find every prompt of the single pass in the prefix cache. */
    @Test
    void theSinglePassSendsOtherWordsOfTheSameLengths() {
        LoadBenchCommand c = new LoadBenchCommand();
        var prompts = new LoadBenchCommand.Range(8, 200);
        var outputs = new LoadBenchCommand.Range(4, 64);
        for (int i = 0; i < 20; i++) {
            var concurrent = c.plan(i, prompts, outputs, 0);
            var single = c.plan(i, prompts, outputs, LoadBenchCommand.SINGLE_SALT);
            assertThat(single.promptWords()).isEqualTo(concurrent.promptWords());
            assertThat(single.maxTokens()).isEqualTo(concurrent.maxTokens());
            assertThat(single.seed()).isNotEqualTo(concurrent.seed());
        }
    }

    @Test
    void badValuesAreOneLineUsageErrors() {
        assertThat(Main.run("bench-serve", CliTest.TINY, "--max-tokens", "9:3")).isEqualTo(2);
        assertThat(Main.run("bench-serve", "--url", "http://127.0.0.1:1", CliTest.TINY)).isEqualTo(2);
        assertThat(Main.run("bench-serve", CliTest.TINY, "--disconnect-fraction", "1.5")).isEqualTo(2);
        assertThat(console.stderr().strip().lines()).hasSize(3)
                .allSatisfy(l -> assertThat(l).startsWith("cria bench-serve: "));
        assertThat(console.stdout()).isEmpty();
    }

    @Test
    void picocliAcceptsTheRangeForms() {
        LoadBenchCommand c = new LoadBenchCommand();
        new CommandLine(c).parseArgs("m.gguf");

        assertThat(c.range("--prompt-tokens", "128")).isEqualTo(new LoadBenchCommand.Range(128, 128));
        assertThat(c.range("--prompt-tokens", "16:256")).isEqualTo(new LoadBenchCommand.Range(16, 256));
    }
}
