package dev.cria.sampling;

import dev.cria.grammar.GrammarState;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the grammar meets the sampler ({@link Sampler#sample(float[], int, GrammarState, long[])}):
 * the sampled token is checked first and the full mask computed only when it is refused; the answer
 * is always an allowed token, greedy the best allowed one.
 */
class GrammarSamplingTest {
    /** A grammar state that allows a fixed set of ids and counts the full masks asked of it. */
    private static class FixedSet implements GrammarState {
        final Set<Integer> allowed;
        int masks;

        FixedSet(Set<Integer> allowed) {
            this.allowed = allowed;
        }

        @Override public boolean accepts(int token) { return allowed.contains(token); }
        @Override public void accept(int token) { }
        @Override public void allowedTokens(long[] mask) {
            masks++;
            java.util.Arrays.fill(mask, 0);
            for (int id : allowed) mask[id >>> 6] |= 1L << id;
        }
        @Override public boolean isComplete() { return false; }
        @Override public boolean mustEnd() { return false; }
        @Override public byte[] shortestCompletion() { return new byte[0]; }
        @Override public void rollback(int tokens) { }
    }

    private static float[] logits(int n) {
        float[] l = new float[n];
        for (int i = 0; i < n; i++) l[i] = (i * 7919 % 1000) / 100f;
        return l;
    }

    @Test
    void anAllowedArgmaxIsTakenWithoutComputingTheMask() {
        float[] l = logits(200);
        int best = Sampler.argmax(l, 200);
        FixedSet g = new FixedSet(Set.of(best, 3));

        int id = new Sampler(200, SamplingParams.greedy()).sample(l, 0, g, new long[4]);

        assertThat(id).isEqualTo(best);
        assertThat(g.masks).isZero();
    }

    @Test
    void aRefusedArgmaxGivesTheBestAllowedToken() {
        float[] l = logits(200);
        l[10] = 50;
        l[20] = 40;
        l[30] = 30;
        FixedSet g = new FixedSet(Set.of(30, 5));

        int id = new Sampler(200, SamplingParams.greedy()).sample(l, 0, g, new long[4]);

        assertThat(id).isEqualTo(30);
        assertThat(g.masks).isEqualTo(1);
    }

    @Test
    void sampledTokensAreAlwaysAllowed() {
        float[] l = logits(200);
        FixedSet g = new FixedSet(Set.of(1, 2, 150));
        Sampler s = new Sampler(200, new SamplingParams(1.5, 0.9, 40, 0.01, 42L, 0, 0, 1, Map.of()));

        for (int i = 0; i < 200; i++) {
            assertThat(s.sample(l, 0, g, new long[4])).isIn(1, 2, 150);
        }
    }

    @Test
    void idsBeyondTheGrammarsVocabularyAreRefused() {
        float[] l = logits(200);
        l[199] = 99;
        // The mask covers 128 ids: 199 lies beyond it, so the grammar's only token wins.
        FixedSet g = new FixedSet(Set.of(7)) {
            @Override public boolean accepts(int token) { return token == 7; }
        };

        assertThat(new Sampler(200, SamplingParams.greedy()).sample(l, 0, g, new long[2])).isEqualTo(7);
    }

    @Test
    void aGrammarThatAllowsNothingGivesMinusOne() {
        FixedSet g = new FixedSet(Set.of());

        assertThat(new Sampler(200, SamplingParams.greedy()).sample(logits(200), 0, g, new long[4])).isEqualTo(-1);
    }
}
