package dev.cria.server.usage;

import dev.cria.server.api.ApiError;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One request's side of metering: who sent it (a key id), its limits, where its rate-limit headers
 * go. The HTTP layer binds it to {@link #CURRENT} around the handler; the generation core
 * ({@code GenerationRun}) reserves the request's tokens before it submits and settles them with the
 * real usage when the last choice ends, so every API is metered in that one place.
 */
public final class RequestMeter {
    /** The request being handled on this thread; unbound outside a request (a library caller, tests). */
    public static final ScopedValue<RequestMeter> CURRENT = ScopedValue.newInstance();
    private static final RequestMeter NONE = new RequestMeter(null, KeyIds.ANONYMOUS, null, (k, v) -> { });

    private final Metering metering;
    private final String keyId;
    private final RateLimiter.KeyBuckets buckets;
    private final BiConsumer<String, String> headers;

    RequestMeter(Metering metering, String keyId, RateLimiter.KeyBuckets buckets, BiConsumer<String, String> headers) {
        this.metering = metering;
        this.keyId = keyId;
        this.buckets = buckets;
        this.headers = headers;
    }

    /** The bound request's meter, or one that records and limits nothing. */
    public static RequestMeter current() {
        return CURRENT.isBound() ? CURRENT.get() : NONE;
    }

    public String keyId() {
        return keyId;
    }

    /**
     * Reserves {@code estimate} tokens (the prompts plus every choice's max_tokens, as OpenAI
     * estimates) against the key's tokens per minute: a 429 when they are not there now, and
     * updates the token headers. The returned reservation is settled once, with the real usage.
     */
    public Reservation reserve(String model, long estimate) {
        RateLimiter.Bucket tokens = buckets == null ? null : buckets.tokens();
        if (tokens != null) {
            long wait = tokens.tryTake(estimate);
            if (wait != 0) {
                Metering.tokenHeaders(tokens.state(), headers);
                throw Metering.rateLimited("tokens", wait, "Rate limit reached on tokens per minute (TPM) for key " + keyId
                        + ": Limit " + tokens.state().limit() + ", Requested " + estimate + " (the prompt plus max_tokens)."
                        + (wait < 0 ? " The request can never fit this limit: lower max_tokens or shorten the prompt." : ""));
            }
            Metering.tokenHeaders(tokens.state(), headers);
        }
        return new Reservation(model, estimate, tokens);
    }

    /** Tokens reserved for one request; {@link #settle} or {@link #release} it once. */
    public final class Reservation {
        private final String model;
        private final long estimate;
        private final RateLimiter.Bucket tokens;
        private boolean done;

        private Reservation(String model, long estimate, RateLimiter.Bucket tokens) {
            this.model = model == null ? "" : model;
            this.estimate = estimate;
            this.tokens = tokens;
        }

        /** Nothing ran (the engine refused the request): the tokens go back. */
        public synchronized void release() {
            if (done) return;
            done = true;
            if (tokens != null) tokens.adjust(estimate);
        }

        /**
         * The request ended having used these tokens: the limit is charged the real count and the
         * ledger gets one row. The future completes once the row is written (true) or lost (false);
         * it never fails.
         */
        public synchronized CompletableFuture<Boolean> settle(long promptTokens, long cachedTokens, long completionTokens) {
            if (done) return CompletableFuture.completedFuture(false);
            done = true;
            if (tokens != null) tokens.adjust(estimate - (promptTokens + completionTokens));
            if (metering == null) return CompletableFuture.completedFuture(false);
            return metering.record(Clock.systemUTC().instant().getEpochSecond(), keyId, model, promptTokens, cachedTokens,
                    completionTokens);
        }
    }

}
