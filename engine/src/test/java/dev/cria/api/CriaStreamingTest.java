package dev.cria.api;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.loader.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming, cancellation and many callers on one engine. */
class CriaStreamingTest {
    private static final List<Message> HELLO = List.of(Message.user("Hello!"));
    private static final ChatOptions GREEDY = ChatOptions.builder().temperature(0).maxTokens(16).build();
    private static Engine engine;
    private static Cria cria;

    @BeforeAll
    static void open() {
        engine = ModelLoader.openEngine(TinyModel.PATH, new EngineOptions(2048, 2, 64, 4));
        cria = Cria.of(engine);
    }

    @AfterAll
    static void close() {
        cria.close();
    }

    /** The loop frees a cancelled sequence at its next step, on its own thread. */
    private static void awaitNothingRunning() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (engine.stats().requestsRunning() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(engine.stats().requestsRunning()).isZero();
    }

    private static String streamedText(ChatStream s, List<ChatResult> done) {
        StringBuilder text = new StringBuilder();
        while (s.hasNext()) {
            switch (s.next()) {
                case ChatDelta.Text t -> text.append(t.text());
                case ChatDelta.Done d -> done.add(d.result());
            }
        }
        return text.toString();
    }

    @Test
    void theStreamedPiecesJoinToTheWholeAnswerAtTemperatureZero() {
        ChatResult whole = cria.chat(HELLO, GREEDY);
        List<ChatResult> done = new ArrayList<>();

        String streamed;
        try (ChatStream s = cria.stream(HELLO, GREEDY)) {
            streamed = streamedText(s, done);
        }

        assertThat(streamed).isEqualTo(whole.text());
        assertThat(done).singleElement().isEqualTo(new ChatResult(whole.text(), List.of(), whole.finishReason(),
                done.getFirst().usage()));
        assertThat(done.getFirst().usage().completionTokens()).isEqualTo(whole.usage().completionTokens());
    }

    @Test
    void aCancelledStreamEndsCancelledAndFreesItsPlaceInTheEngine() throws InterruptedException {
        ChatStream s = cria.stream(HELLO, ChatOptions.builder().temperature(0).maxTokens(1500).build());
        s.next();

        s.cancel();

        assertThat(s.result().finishReason()).isEqualTo(FinishReason.CANCELLED);
        awaitNothingRunning();
        assertThat(cria.chat(HELLO, GREEDY).finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void closingAStreamEarlyCancelsIt() throws InterruptedException {
        try (ChatStream s = cria.stream(HELLO, ChatOptions.builder().temperature(0).maxTokens(1500).build())) {
            s.next();
        }

        awaitNothingRunning();
    }

    @Test
    void severalThreadsAtOnceGetTheAnswersEachWouldAlone() throws Exception {
        List<List<Message>> questions = List.of(List.of(Message.user("One")), List.of(Message.user("Two")),
                List.of(Message.user("Three")), List.of(Message.user("Four")), List.of(Message.user("Five")),
                List.of(Message.user("Six")));
        List<String> alone = questions.stream().map(q -> cria.chat(q, GREEDY).text()).toList();

        List<String> together = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(questions.size())) {
            List<Future<String>> answers = questions.stream().map(q -> threads.submit(() -> cria.chat(q, GREEDY).text())).toList();
            for (Future<String> a : answers) together.add(a.get());
        }

        assertThat(together).isEqualTo(alone);
    }
}
