package dev.cria.engine;

import dev.cria.kv.KvBlockPool;
import dev.cria.kv.KvType;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A sequence's state transitions (waiting, running, preempted, done), on a small real KV pool. */
class SequenceTest {
    private static final int BLOCK = 4;
    private final KvBlockPool pool = new KvBlockPool(1, 4, 4, BLOCK, 16, KvType.F32);
    private final AtomicInteger waitingRequests = new AtomicInteger();
    private long admissions;

    /** A submitted sequence with prompt 1, 2, .. promptLength. */
    private Sequence waiting(int promptLength, int maxTokens) {
        int[] prompt = new int[promptLength];
        for (int i = 0; i < promptLength; i++) prompt[i] = i + 1;
        waitingRequests.incrementAndGet();
        return new Sequence(GenerationRequest.greedy(prompt, maxTokens), 64, new QueuePlace(waitingRequests, 1));
    }

    private Sequence running(int promptLength, int maxTokens) {
        Sequence s = waiting(promptLength, maxTokens);
        admit(s);
        return s;
    }

    private boolean admit(Sequence s) {
        return s.admit(s.kvWithCachedPrefix(pool), ++admissions);
    }

    /** What one forward pass does for the sequence: stores KV for every known token not yet computed. */
    private static void computeKnownTokens(Sequence s) {
        int rest = s.length() - s.computed();
        s.reserveKv(rest);
        s.enterBatch();
        s.batchComputed(rest);
    }

    /** A prompt fully computed by a sequence that then ended, so its full blocks stay in the prefix cache. */
    private void cachePrompt(int promptLength) {
        Sequence first = running(promptLength, 4);
        computeKnownTokens(first);
        first.end();
    }

    @Test
    void aFreshAdmissionTakesKvAndStartsAtTheFirstPosition() {
        Sequence s = running(10, 4);

        assertThat(s.holdsKv()).isTrue();
        assertThat(s.computed()).isZero();
        assertThat(s.prefilling()).isTrue();
    }

    @Test
    void theFirstAdmissionRecordsThePromptTokensFoundInTheCache() {
        cachePrompt(10);
        Sequence s = waiting(10, 4);

        assertThat(admit(s)).isTrue();

        assertThat(s.computed()).isEqualTo(8);
        assertThat(s.usage().cachedTokens()).isEqualTo(8);
    }

    @Test
    void theLastKnownTokenIsComputedAgainEvenWhenCached() {
        cachePrompt(8); // two full blocks
        Sequence s = waiting(8, 4);

        admit(s);

        assertThat(s.computed()).isEqualTo(BLOCK); // its logits are needed: the second block is recomputed
    }

    @Test
    void aRunningSequenceCannotBeAdmittedAgain() {
        Sequence s = running(10, 4);

        assertThatThrownBy(() -> admit(s)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFinishedSequenceCannotBeAdmitted() {
        Sequence s = waiting(10, 4);
        s.end();

        assertThatThrownBy(() -> admit(s)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTokenIsAppendedOnlyOnceTheKvHoldsEveryKnownToken() {
        Sequence s = running(10, 4);

        assertThatThrownBy(() -> s.appendToken(7, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAppendedTokenBecomesTheLastKnownToken() {
        Sequence s = running(10, 4);
        computeKnownTokens(s);

        s.appendToken(77, 1);

        assertThat(s.length()).isEqualTo(11);
        assertThat(s.token(10)).isEqualTo(77);
        assertThat(s.generated()).isEqualTo(1);
    }

    @Test
    void aFinishedSequenceCannotBeAppendedTo() {
        Sequence s = running(10, 4);
        computeKnownTokens(s);
        s.end();

        assertThatThrownBy(() -> s.appendToken(7, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void noTokenIsAppendedPastMaxTokens() {
        Sequence s = running(10, 1);
        computeKnownTokens(s);
        s.appendToken(7, 1);
        computeKnownTokens(s);

        assertThatThrownBy(() -> s.appendToken(8, 2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onlyASequenceInTheBatchIsComputed() {
        Sequence s = running(10, 4);
        s.reserveKv(10);

        assertThatThrownBy(() -> s.batchComputed(10)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWaitingSequenceCannotJoinABatch() {
        Sequence s = waiting(10, 4);

        assertThatThrownBy(s::enterBatch).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void preemptionGivesTheKvBackAndKeepsTheGeneratedTokensForRecompute() {
        Sequence s = running(10, 4);
        computeKnownTokens(s);
        s.appendToken(77, 1);

        s.preempt();

        assertThat(s.holdsKv()).isFalse();
        assertThat(pool.usedBlocks()).isZero();
        assertThat(s.computed()).isZero();
        assertThat(s.length()).isEqualTo(11);
        assertThat(s.token(10)).isEqualTo(77);
        assertThat(s.prefilling()).isTrue();
    }

    @Test
    void aReadmittedSequenceStartsAfterItsOwnCachedBlocks() {
        Sequence s = running(10, 4);
        computeKnownTokens(s);
        s.appendToken(77, 1);
        s.preempt();

        admit(s);

        assertThat(s.computed()).isEqualTo(8); // of 11 known tokens, the two full blocks below the last
    }

    @Test
    void onlyTheFirstAdmissionCountsCachedPromptTokens() {
        Sequence s = running(10, 4);
        computeKnownTokens(s);
        s.appendToken(77, 1);
        s.preempt();

        assertThat(admit(s)).isFalse();

        assertThat(s.usage().cachedTokens()).isZero();
    }

    @Test
    void aReadmissionIsOrderedAfterEarlierAdmissions() {
        Sequence s = running(10, 4);
        Sequence other = running(10, 4);
        s.preempt();

        admit(s);

        assertThat(s.admittedOrder()).isGreaterThan(other.admittedOrder());
    }

    @Test
    void aWaitingSequenceCannotBePreempted() {
        Sequence s = waiting(10, 4);

        assertThatThrownBy(s::preempt).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSequenceInTheBatchBeingBuiltCannotBePreempted() {
        Sequence s = running(10, 4);
        s.reserveKv(10);
        s.enterBatch();

        assertThatThrownBy(s::preempt).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void endingWhileWaitingGivesUpTheQueuePlace() {
        Sequence s = waiting(10, 4);

        s.end();

        assertThat(waitingRequests).hasValue(0);
        assertThat(s.done()).isTrue();
    }

    @Test
    void endingWhileRunningGivesTheKvBack() {
        Sequence s = running(10, 4);
        computeKnownTokens(s);

        s.end();

        assertThat(s.holdsKv()).isFalse();
        assertThat(pool.usedBlocks()).isZero();
    }

    @Test
    void aSequenceEndsOnce() {
        Sequence s = running(10, 4);
        s.end();

        assertThatThrownBy(s::end).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancellingOnlyAsksTheEngineLoopToEndIt() {
        Sequence s = running(10, 4);

        s.cancel();

        assertThat(s.cancelled()).isTrue();
        assertThat(s.done()).isFalse();
        assertThat(s.holdsKv()).isTrue();
    }

    @Test
    void nothingIsEmittedAfterTheLastEvent() {
        Sequence s = waiting(10, 4);
        s.end();
        s.emit(new GenerationEvent.Finished(FinishReason.CANCELLED, "", s.usage()));

        assertThatThrownBy(() -> s.emit(new GenerationEvent.Token(1, "a", null)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLastEventIsReadAgainAfterTheEnd() throws InterruptedException {
        Sequence s = waiting(10, 4);
        s.end();
        GenerationEvent.Failed failed = new GenerationEvent.Failed("gone");
        s.emit(failed);

        assertThat(s.next()).isSameAs(failed);
        assertThat(s.next()).isSameAs(failed);
    }
}
