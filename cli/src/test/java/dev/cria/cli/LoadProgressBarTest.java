package dev.cria.cli;

import dev.cria.loader.LoadPhase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What chat, serve, generate and bench print while a model loads, on a clock the test turns. */
class LoadProgressBarTest {
    private static final long MB = 1_000_000;
    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now = 100 * SECOND;

    private LoadProgressBar bar(boolean terminal) {
        return new LoadProgressBar("m.gguf", 703_200_000L, err, terminal, () -> now);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void notOnATerminalItPrintsTheStartEachPhaseWithItsBytesAndTheVerdict() {
        LoadProgressBar bar = bar(false);
        bar.progressed(LoadPhase.MAPPING, 0, 703_200_000L);
        bar.progressed(LoadPhase.MAPPING, 703_200_000L, 703_200_000L);
        bar.progressed(LoadPhase.CHECKING, 0, 100 * MB);
        bar.progressed(LoadPhase.CHECKING, 64 * MB, 100 * MB);
        bar.progressed(LoadPhase.CHECKING, 100 * MB, 100 * MB);
        bar.progressed(LoadPhase.INTERLEAVING, 0, 600 * MB);
        bar.progressed(LoadPhase.INTERLEAVING, 600 * MB, 600 * MB);
        bar.progressed(LoadPhase.TOKENIZER, 0, 0);
        now += 2 * SECOND;
        bar.finished("cria: " + bar.loaded("Llama 3.2 1B", "context 8192"));

        assertThat(printed().lines()).containsExactly(
                "cria: loading m.gguf (703.2 MB)",
                "cria: loading m.gguf: mapping (703.2 MB)",
                "cria: loading m.gguf: checking weights (100.0 MB)",
                "cria: loading m.gguf: interleaving rows (600.0 MB)",
                "cria: loading m.gguf: reading tokenizer",
                "cria: loaded Llama 3.2 1B in 2.0 s (context 8192)");
    }

    @Test
    void notOnATerminalAPhaseLongerThanTenSecondsAlsoPrintsHowFarItIs() {
        LoadProgressBar bar = bar(false);
        bar.progressed(LoadPhase.INTERLEAVING, 0, 600 * MB);
        now += 11 * SECOND;
        bar.progressed(LoadPhase.INTERLEAVING, 300 * MB, 600 * MB);

        assertThat(printed().lines()).last().isEqualTo("cria: loading m.gguf: interleaving rows   50% 300.0 MB of 600.0 MB, 27.3 MB/s, 11 s left");
    }

    @Test
    void onATerminalOneLineIsRedrawnWithPhasePercentBytesRateAndTimeLeftThenReplacedByTheVerdict() {
        LoadProgressBar bar = bar(true);
        bar.progressed(LoadPhase.MAPPING, 0, 703_200_000L);
        bar.progressed(LoadPhase.MAPPING, 703_200_000L, 703_200_000L);
        now += SECOND;
        bar.progressed(LoadPhase.INTERLEAVING, 0, 600 * MB);
        now += 2 * SECOND;
        bar.progressed(LoadPhase.INTERLEAVING, 300 * MB, 600 * MB);
        bar.progressed(LoadPhase.TOKENIZER, 0, 0);
        bar.finished("cria: " + bar.loaded("m", ""));

        assertThat(printed()).startsWith("\r\033[Kloading m.gguf (703.2 MB) …\r\033[Kloading m.gguf: mapping    0% 0 B of 703.2 MB")
                .contains("\r\033[Kloading m.gguf: interleaving rows   50% 300.0 MB of 600.0 MB, 150.0 MB/s, 2 s left")
                .contains("\r\033[Kloading m.gguf: reading tokenizer …")
                .endsWith("\r\033[Kcria: loaded m in 3.0 s\n");
        assertThat(printed().chars().filter(c -> c == '\n')).as("only the verdict ends a line").hasSize(1);
    }

    @Test
    void onATerminalALinePrintedDuringTheLoadGoesBelowTheBarWhichTheNextProgressDrawsAgain() {
        LoadProgressBar bar = bar(true);
        bar.println("cria: listening on http://127.0.0.1:8080/");
        now += SECOND;
        bar.progressed(LoadPhase.MAPPING, 0, 703_200_000L);

        assertThat(printed()).isEqualTo("\r\033[Kloading m.gguf (703.2 MB) …\ncria: listening on http://127.0.0.1:8080/\n"
                + "\r\033[Kloading m.gguf: mapping    0% 0 B of 703.2 MB");
    }

    @Test
    void aFailedLoadWipesTheBarSoTheErrorStartsItsOwnLine() {
        LoadProgressBar bar = bar(true);
        bar.close();

        assertThat(printed()).isEqualTo("\r\033[Kloading m.gguf (703.2 MB) …\r\033[K");
    }
}
