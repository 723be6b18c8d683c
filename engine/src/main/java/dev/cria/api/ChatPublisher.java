package dev.cria.api;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One answer as a {@link Flow.Publisher} (Reactor, Mutiny and RxJava adapt it): the generation starts
 * when the subscriber subscribes and is read on a virtual thread, as fast as the subscriber requests.
 * One subscriber; cancelling the subscription cancels the generation.
 */
final class ChatPublisher implements Flow.Publisher<ChatDelta> {
    private final Supplier<ChatStream> start;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    ChatPublisher(Supplier<ChatStream> start) {
        this.start = start;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatDelta> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new DeltaSubscription(subscriber));
            subscriber.onError(new IllegalStateException("an answer has one subscriber; call publish again for another"));
            return;
        }
        DeltaSubscription subscription = new DeltaSubscription(subscriber);
        subscriber.onSubscribe(subscription);
        Thread.ofVirtual().name("cria-publisher").start(() -> subscription.deliver(start));
    }

    /** Demand and cancellation, shared by the subscriber's thread and the delivering one. */
    private static final class DeltaSubscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ChatDelta> subscriber;
        private long demand;
        private boolean cancelled;
        private Throwable badRequest;

        DeltaSubscription(Flow.Subscriber<? super ChatDelta> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (n <= 0) badRequest = new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)");
            else demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            notifyAll();
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        /** Waits for demand; false when the subscriber cancelled or asked wrongly (then reported). */
        private synchronized boolean awaitDemand() throws InterruptedException {
            while (demand == 0 && !cancelled && badRequest == null) wait();
            if (badRequest != null && !cancelled) {
                cancelled = true;
                subscriber.onError(badRequest);
            }
            if (cancelled) return false;
            demand--;
            return true;
        }

        void deliver(Supplier<ChatStream> start) {
            ChatStream stream;
            try {
                stream = start.get();
            } catch (RuntimeException e) {
                subscriber.onError(e);
                return;
            }
            try (stream) {
                while (stream.hasNext()) {
                    if (!awaitDemand()) return;
                    subscriber.onNext(stream.next());
                }
                subscriber.onComplete();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                subscriber.onError(e);
            }
        }
    }
}
