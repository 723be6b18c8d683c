package dev.cria.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The line after each answer in cria chat. */
class AnswerTimingTest {
    private static final long S = 1_000_000_000L;

    @Test
    void saysTheTokensTheWaitForTheFirstAndTheRateAfterIt() {
        AnswerTiming t = new AnswerTiming(0);
        t.token(S / 2);
        for (int i = 1; i <= 10; i++) t.token(S / 2 + i * S / 10);

        assertThat(t.summary(11)).isEqualTo("(11 tokens · first after 0.50 s · 10.0 tokens/s)");
    }

    @Test
    void oneTokenHasNoRateAndNoTokenNoWait() {
        AnswerTiming one = new AnswerTiming(0);
        one.token(S);

        assertThat(one.summary(1)).isEqualTo("(1 token · first after 1.00 s)");
        assertThat(new AnswerTiming(0).summary(0)).isEqualTo("(0 tokens)");
    }
}
