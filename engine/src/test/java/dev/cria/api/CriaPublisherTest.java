package dev.cria.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The answer as a Flow.Publisher: the same deltas as the stream, at the subscriber's pace, cancellable. */
class CriaPublisherTest {
    private static final List<Message> HELLO = List.of(Message.user("Hello!"));
    private static Cria cria;

    @BeforeAll
    static void open() {
        cria = TinyModel.open();
    }

    @AfterAll
    static void close() {
        cria.close();
    }

    /** Requests one delta at a time and records them; cancels after {@code cancelAfter} deltas. */
    private static final class OneAtATime implements Flow.Subscriber<ChatDelta> {
        final List<ChatDelta> deltas = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final int cancelAfter;
        Flow.Subscription subscription;

        OneAtATime(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(ChatDelta d) {
            deltas.add(d);
            if (deltas.size() == cancelAfter) {
                subscription.cancel();
                done.complete(null);
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }

    @Test
    void aSubscriberGetsTheStreamsDeltasAndTheEnd() throws Exception {
        ChatOptions greedy = ChatOptions.builder().temperature(0).maxTokens(10).build();
        OneAtATime s = new OneAtATime(Integer.MAX_VALUE);

        cria.publish(HELLO, greedy).subscribe(s);
        s.done.get(60, TimeUnit.SECONDS);

        assertThat(s.deltas.getLast()).isInstanceOfSatisfying(ChatDelta.Done.class,
                d -> assertThat(d.result().text()).isEqualTo(cria.chat(HELLO, greedy).text()));
    }

    @Test
    void cancellingTheSubscriptionStopsTheGeneration() throws Exception {
        OneAtATime s = new OneAtATime(2);

        cria.publish(HELLO, ChatOptions.builder().temperature(0).maxTokens(1500).build()).subscribe(s);
        s.done.get(60, TimeUnit.SECONDS);

        assertThat(s.deltas).hasSize(2).allMatch(d -> d instanceof ChatDelta.Text);
        // The engine is free again: a new answer is not queued behind 1500 tokens.
        assertThat(cria.chat(HELLO, ChatOptions.builder().temperature(0).maxTokens(3).build()).finishReason())
                .isEqualTo(FinishReason.LENGTH);
    }
}
