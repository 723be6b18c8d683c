package dev.cria.sampling;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LogitOrderTest {
    @Test
    void keysOrderByLogitDescendingThenIdAscending() {
        assertThat(LogitOrder.key(2f, 9)).isLessThan(LogitOrder.key(1f, 0));
        assertThat(LogitOrder.key(-1f, 9)).isLessThan(LogitOrder.key(-2f, 0));
        assertThat(LogitOrder.key(1f, 3)).isLessThan(LogitOrder.key(1f, 4));
        assertThat(LogitOrder.key(0f, 5)).isLessThan(LogitOrder.key(Float.NEGATIVE_INFINITY, 0));
        assertThat(LogitOrder.key(-0f, 1)).isGreaterThan(LogitOrder.key(0f, 0));
    }

    @Test
    void aKeyGivesBackItsLogitAndId() {
        for (float logit : new float[]{0f, -0f, 1.5f, -3.25f, Float.MAX_VALUE, Float.NEGATIVE_INFINITY}) {
            long key = LogitOrder.key(logit, 128255);
            assertThat(LogitOrder.logit(key)).isEqualTo(logit + 0f);
            assertThat(LogitOrder.id(key)).isEqualTo(128255);
        }
    }

    @Test
    void sortMatchesArraysSortOnRandomRangesWithManyTies() {
        Random random = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = random.nextInt(5000);
            long[] a = new long[n + 20];
            for (int i = 0; i < a.length; i++) {
                a[i] = LogitOrder.key(random.nextInt(40) / 4f, random.nextInt(100));
            }
            long[] expected = a.clone();
            Arrays.sort(expected, 10, 10 + n);

            LogitOrder.sort(a, 10, 10 + n);

            assertThat(a).containsExactly(expected);
        }
    }

    @Test
    void sortBestFirstMatchesArraysSort() {
        Random random = new Random(4);
        long[] a = new long[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = LogitOrder.key((float) random.nextGaussian(), i);
        }
        long[] expected = a.clone();
        Arrays.sort(expected);

        LogitOrder.sortBestFirst(a, a.length);

        assertThat(a).containsExactly(expected);
    }
}
