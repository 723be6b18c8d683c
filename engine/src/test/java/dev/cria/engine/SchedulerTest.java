package dev.cria.engine;

import dev.cria.kv.KvType;
import dev.cria.loader.ModelLoader;
import dev.cria.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cria.engine.LlamaEngineTest.DATA;
import static dev.cria.engine.LlamaEngineTest.collect;
import static dev.cria.engine.LlamaEngineTest.referenceGreedy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Continuous batching over the paged KV cache, on the real tiny model. */
class SchedulerTest {
    static final Path TINY = DATA.resolve("models/tiny-llama3-F16.gguf");
    static final List<String> PROMPTS = List.of("short_en", "en_40", "code", "multilingual", "chat", "long_300", "bos_only", "en_40");

    static GenerationRequest greedy(String prompt, int maxTokens) throws Exception {
        return new GenerationRequest(referenceGreedy(prompt)[0], SamplingParams.greedy(), maxTokens, List.of(), true, -1);
    }

    static Finished run(GenerationHandle h) throws InterruptedException {
        List<Integer> tokens = new ArrayList<>();
        while (true) {
            GenerationEvent e = h.next();
            if (e instanceof GenerationEvent.Token t) tokens.add(t.tokenId());
            else if (e instanceof GenerationEvent.Finished f) return new Finished(tokens, f);
            else throw new AssertionError(e);
        }
    }

    record Finished(List<Integer> tokens, GenerationEvent.Finished end) {
    }

    private static List<List<Integer>> alone(Engine engine, int count, int maxTokens) throws Exception {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(collect(engine.submit(greedy(PROMPTS.get(i), maxTokens))));
        return out;
    }

    @Test
    void greedyTokensDoNotDependOnBatchCompositionWith1_2And8Requests() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 8))) {
            List<List<Integer>> reference = alone(engine, 8, 20);
            for (int together : new int[]{2, 8}) {
                List<GenerationHandle> handles = new ArrayList<>();
                for (int i = 0; i < together; i++) handles.add(engine.submit(greedy(PROMPTS.get(i), 20)));
                for (int i = 0; i < together; i++) {
                    assertThat(collect(handles.get(i))).as("%s among %d", PROMPTS.get(i), together).isEqualTo(reference.get(i));
                }
            }
        }
    }

    @Test
    void aRepeatedPromptReusesCachedBlocksAndGivesTheSameTokens() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 4))) {
            Finished first = run(engine.submit(greedy("long_300", 10)));
            Finished second = run(engine.submit(greedy("long_300", 10)));
            assertThat(first.end().usage().cachedTokens()).isZero();
            // 300 prompt tokens: the 18 full 16-token blocks below the last prompt token are reused.
            assertThat(second.end().usage().cachedTokens()).isEqualTo(288);
            assertThat(second.tokens()).isEqualTo(first.tokens());
            assertThat(engine.stats().prefixCacheHitTokensTotal()).isEqualTo(288);
        }
    }

    @Test
    void choicesOfOnePromptSubmittedTogetherShareItsBlocks() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 4))) {
            List<GenerationHandle> handles = new ArrayList<>();
            for (int i = 0; i < 3; i++) handles.add(engine.submit(greedy("long_300", 5)));
            List<Integer> cached = new ArrayList<>();
            for (GenerationHandle h : handles) cached.add(run(h).end().usage().cachedTokens());
            assertThat(cached).containsExactly(0, 288, 288);
        }
    }

    @Test
    void whenKvMemoryRunsOutSequencesArePreemptedAndStillGiveTheSameTokens() throws Exception {
        List<List<Integer>> reference;
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 4))) {
            reference = alone(engine, 4, 40);
        }
        // 2 layers x 32 kv floats x 4 bytes x 2 (k, v) = 512 bytes per token: 48 blocks = 768 tokens for 4 sequences of ~340.
        long kvBytes = 48L * 16 * 512;
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 4, kvBytes, KvType.F32))) {
            assertThat(engine.stats().kvBlocksTotal()).isEqualTo(48);
            List<GenerationHandle> handles = new ArrayList<>();
            List<String> prompts = List.of("long_300", "long_300", "en_40", "code");
            for (String p : prompts) handles.add(engine.submit(greedy(p, 40)));
            List<List<Integer>> expected = List.of(collect(ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 1)).submit(greedy("long_300", 40))));
            for (int i = 0; i < prompts.size(); i++) {
                Finished f = run(handles.get(i));
                assertThat(f.end().reason()).isEqualTo(FinishReason.LENGTH);
                assertThat(f.tokens()).as(prompts.get(i)).hasSize(40);
                if (i < 2) assertThat(f.tokens()).isEqualTo(expected.get(0));
            }
            assertThat(engine.stats().kvBlocksUsed()).isZero();
        }
    }

    @Test
    void finishedAndCancelledSequencesGiveBackTheirBlocks() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 4))) {
            GenerationHandle running = engine.submit(greedy("long_300", 500));
            running.next();
            assertThat(engine.stats().kvBlocksUsed()).isPositive();
            running.cancel();
            assertThat(run(running).end().reason()).isEqualTo(FinishReason.CANCELLED);
            run(engine.submit(greedy("en_40", 5)));
            assertThat(engine.stats().kvBlocksUsed()).isZero();
            assertThat(engine.stats().requestsRunning()).isZero();
            assertThat(engine.stats().requestsCancelledTotal()).isEqualTo(1);
        }
    }

    @Test
    void aFullQueueIsRefusedWithoutLosingQueuedRequests() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 2, 1))) {
            List<GenerationHandle> accepted = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 8; i++) {
                try {
                    accepted.add(engine.submit(greedy("en_40", 30)));
                } catch (EngineBusyException e) {
                    refused++;
                }
            }
            assertThat(refused).isPositive();
            for (GenerationHandle h : accepted) assertThat(run(h).tokens()).hasSize(30);
            assertThat(engine.stats().queueRejectionsTotal()).isEqualTo(refused);
        }
    }

    @Test
    void aRequestsChoicesTakeOneQueuePlaceHoweverMany() throws Exception {
        // One slot and one queue place: 10 sequences submitted one by one would be refused after the second.
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 1, 1))) {
            List<GenerationRequest> choices = new ArrayList<>();
            for (int i = 0; i < 10; i++) choices.add(greedy("en_40", 3));

            List<GenerationHandle> handles = engine.submitAll(choices);

            for (GenerationHandle h : handles) assertThat(run(h).tokens()).hasSize(3);
            assertThat(engine.stats().queueRejectionsTotal()).isZero();
            assertThat(engine.stats().requestsWaiting()).isZero();
        }
    }

    @Test
    void aFullQueueRefusesAWholeRequestAndQueuesNoneOfIt() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 1, 1))) {
            GenerationHandle running = engine.submit(greedy("en_40", 500));
            running.next(); // admitted: the one slot is taken
            GenerationHandle waiting = engine.submit(greedy("en_40", 2)); // the one queue place

            assertThatThrownBy(() -> engine.submitAll(List.of(greedy("en_40", 2), greedy("en_40", 2))))
                    .isInstanceOf(EngineBusyException.class);

            assertThat(engine.stats().requestsWaiting()).isEqualTo(1);
            running.cancel();
            assertThat(run(waiting).tokens()).hasSize(2);
            assertThat(engine.stats().requestsWaiting()).isZero();
        }
    }

    @Test
    void closingTheEngineCancelsTheRunningAndTheWaitingRequests() throws Exception {
        Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 1));
        GenerationHandle running = engine.submit(greedy("en_40", 900));
        running.next(); // admitted: the one slot is taken
        GenerationHandle waiting = engine.submit(greedy("en_40", 5));

        engine.close();

        assertThat(run(running).end().reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(run(waiting).end().reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(run(waiting).tokens()).isEmpty();
    }

    @Test
    void q8KvCacheRunsEndToEnd() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 1, 0, KvType.Q8_0))) {
            Finished f = run(engine.submit(greedy("en_40", 8)));
            // The first token comes from the prompt's last position; accuracy is KvStoreAccuracyTest's.
            assertThat(f.tokens()).hasSize(8);
            assertThat(f.tokens().getFirst()).isEqualTo(referenceGreedy("en_40")[1][0]);
        }
    }

    @Test
    void aKvPoolSmallerThanTheContextBoundsItUpFront() throws Exception {
        // 8 blocks of 16 tokens (512 bytes per token): the context one sequence can use is 128 tokens.
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 4, 8L * 16 * 512, KvType.F32))) {
            assertThat(engine.info().contextLength()).isEqualTo(128);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.submit(greedy("long_300", 4)))
                    .isInstanceOf(ContextLengthExceededException.class);
            Finished f = run(engine.submit(greedy("en_40", 500)));
            assertThat(f.end().reason()).isEqualTo(FinishReason.LENGTH);
            assertThat(f.tokens()).hasSize(128 - 40);
        }
    }

    @Test
    void freeSlotsTakeRequestsEvenWhenTheWaitQueueIsShort() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 1, 4))) {
            List<GenerationHandle> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) handles.add(engine.submit(greedy("en_40", 3))); // 4 slots + 1 waiting
            for (GenerationHandle h : handles) assertThat(run(h).tokens()).hasSize(3);
        }
    }

    @Test
    void statsCountTokens() throws Exception {
        try (Engine engine = ModelLoader.openEngine(TINY, new EngineOptions(1024, 2, 16, 4))) {
            run(engine.submit(greedy("en_40", 7)));
            EngineStats s = engine.stats();
            assertThat(s.promptTokensTotal()).isEqualTo(40);
            assertThat(s.generatedTokensTotal()).isEqualTo(7);
            assertThat(s.timeToFirstTokenSeconds().count()).isEqualTo(1);
            assertThat(s.interTokenLatencySeconds().count()).isEqualTo(6);
            assertThat(s.requestsFinishedTotal()).isEqualTo(1);
            assertThat(Map.of("ok", s.kvBlockSize())).containsEntry("ok", 16);
        }
    }
}
