package dev.cria.kv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Block accounting, prefix lookup and least-recently-used eviction, without a model. */
class KvBlockPoolTest {
    private static KvBlockPool pool(int blocks) {
        return new KvBlockPool(1, 32, 32, 4, blocks, KvType.F32);
    }

    private static int[] tokens(int n, int seed) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = seed * 1000 + i;
        return t;
    }

    @Test
    void aSequenceTakesBlocksAndGivesThemBack() {
        KvBlockPool p = pool(4);
        KvSequence s = new KvSequence(p);
        assertThat(s.reserve(9)).isTrue();
        assertThat(s.blockCount()).isEqualTo(3);
        assertThat(p.usedBlocks()).isEqualTo(3);
        assertThat(s.reserve(17)).isFalse();
        assertThat(s.blockCount()).isEqualTo(3);
        s.release();
        assertThat(p.usedBlocks()).isZero();
        assertThat(p.availableBlocks()).isEqualTo(4);
    }

    @Test
    void fullBlocksOfAFinishedSequenceServeTheNextPromptWithTheSamePrefix() {
        KvBlockPool p = pool(8);
        int[] prompt = tokens(10, 1);
        KvSequence first = new KvSequence(p);
        first.reserve(10);
        first.filled(10, prompt);
        first.release();
        assertThat(p.cachedIdleBlocks()).isEqualTo(2); // two full blocks of 4; the partial third is not cached

        KvSequence second = new KvSequence(p);
        assertThat(second.reusePrefix(prompt, 9)).isEqualTo(8);
        assertThat(p.usedBlocks()).isEqualTo(2);
    }

    @Test
    void aDifferentEarlierBlockMeansNoReuseOfLaterOnes() {
        KvBlockPool p = pool(8);
        int[] prompt = tokens(12, 1);
        KvSequence a = new KvSequence(p);
        a.reserve(12);
        a.filled(12, prompt);
        a.release();
        int[] other = prompt.clone();
        other[0] = 999_999; // same second and third blocks, different first block
        KvSequence b = new KvSequence(p);
        assertThat(b.reusePrefix(other, 11)).isZero();
    }

    @Test
    void cachedBlocksAreEvictedLeastRecentlyUsedFirstWhenMemoryIsNeeded() {
        KvBlockPool p = pool(4);
        int[] x = tokens(8, 1);
        int[] y = tokens(8, 2);
        KvSequence a = new KvSequence(p);
        a.reserve(8);
        a.filled(8, x);
        a.release();
        KvSequence b = new KvSequence(p);
        b.reserve(8);
        b.filled(8, y);
        b.release();
        assertThat(p.cachedIdleBlocks()).isEqualTo(4);

        KvSequence c = new KvSequence(p);
        assertThat(c.reserve(8)).isTrue(); // evicts x's two blocks (released first)
        assertThat(new KvSequence(p).reusePrefix(x, 8)).isZero();
        KvSequence d = new KvSequence(p);
        assertThat(d.reusePrefix(y, 8)).isEqualTo(8);
    }

    @Test
    void sharedBlocksStayUntilTheirLastUserLeaves() {
        KvBlockPool p = pool(4);
        int[] x = tokens(9, 1);
        KvSequence a = new KvSequence(p);
        a.reserve(9);
        a.filled(9, x);
        KvSequence b = new KvSequence(p);
        assertThat(b.reusePrefix(x, 8)).isEqualTo(8);
        a.release();
        assertThat(p.usedBlocks()).isEqualTo(2);
        b.release();
        assertThat(p.usedBlocks()).isZero();
        assertThat(p.availableBlocks()).isEqualTo(4);
    }
}
