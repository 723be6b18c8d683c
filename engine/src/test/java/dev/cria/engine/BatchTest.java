package dev.cria.engine;

import dev.cria.kv.KvBlockPool;
import dev.cria.kv.KvType;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Filling one forward pass's input from running sequences. */
class BatchTest {
    private final KvBlockPool pool = new KvBlockPool(1, 4, 4, 4, 16, KvType.F32);

    private Sequence running(int... prompt) {
        Sequence s = new Sequence(GenerationRequest.greedy(prompt, 4), 64, new QueuePlace(new AtomicInteger(1), 1));
        s.admit(s.kvWithCachedPrefix(pool), 1);
        s.reserveKv(prompt.length);
        return s;
    }

    @Test
    void aChunkPutsItsTokensAtTheirPositionsAndOnlyTheLastKnownOneAsksForLogits() {
        Batch batch = new Batch(8, 2);
        Sequence s = running(11, 12, 13);

        batch.add(s, 3);

        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.tokens).startsWith(11, 12, 13);
        assertThat(batch.positions).startsWith(0, 1, 2);
        assertThat(batch.wantsLogits).startsWith(false, false, true);
        assertThat(batch.kv[0]).isSameAs(s.kv());
    }

    @Test
    void aChunkShortOfTheLastKnownTokenAsksForNoLogits() {
        Batch batch = new Batch(8, 2);

        batch.add(running(11, 12, 13), 2);

        assertThat(batch.wantsLogits).startsWith(false, false);
    }

    @Test
    void clearingEmptiesItAndDropsItsReferencesToSequencesAndKv() {
        Batch batch = new Batch(8, 2);
        batch.add(running(11, 12, 13), 3);

        batch.clear();

        assertThat(batch.size()).isZero();
        assertThat(batch.memberCount()).isZero();
        assertThat(batch.room()).isEqualTo(8);
        assertThat(batch.kv).containsOnlyNulls();
    }
}
