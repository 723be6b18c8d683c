package dev.cria.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchCommandTest {
    private static BenchCommand.Result result(String test, double tokensPerSecond) {
        // 1 GB per generated token at 20 GB/s; 10^9 multiply-adds per prompt token at 200 G/s
        return new BenchCommand.Result(test, tokensPerSecond, 0, 2, "m", 1_000_000_000L, 20, 1_000_000_000L, 200, 1);
    }

    @Test
    void generationIsMeasuredAgainstTheReadBandwidth() {
        assertThat(BenchCommand.bandwidthFraction(result("tg128", 10))).isCloseTo(0.5, within(1e-12));
        assertThat(BenchCommand.fmaFraction(result("tg128", 10))).isZero();
    }

    /** Eight sequences decoded together read the weights once per step, not once per token. */
    @Test
    void batchedGenerationCountsOneWeightReadPerStep() {
        var eight = new BenchCommand.Result("tg32 x8", 40, 0, 2, "m", 1_000_000_000L, 20, 1_000_000_000L, 200, 8);
        assertThat(BenchCommand.bandwidthFraction(eight)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void promptProcessingIsMeasuredAgainstTheFmaRate() {
        assertThat(BenchCommand.fmaFraction(result("pp512", 50))).isCloseTo(0.25, within(1e-12));
        assertThat(BenchCommand.bandwidthFraction(result("pp512", 50))).isZero();
    }

    @Test
    void withoutAMeasuredCeilingThereIsNoFraction() {
        var unmeasured = new BenchCommand.Result("pp512", 50, 0, 2, "m", 1, 0, 1, 0, 1);
        assertThat(BenchCommand.fmaFraction(unmeasured)).isZero();
    }
}
