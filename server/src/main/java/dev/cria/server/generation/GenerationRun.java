package dev.cria.server.generation;

import dev.cria.engine.ContextLengthExceededException;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineBusyException;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;
import dev.cria.server.serving.ServerState;
import dev.cria.server.usage.RequestMeter;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The generations of one API request ({@code n} choices, several prompts), submitted together and
 * read as one stream of events tagged with their choice index, in arrival order. One virtual thread
 * per handle forwards its events, so a slow choice never blocks the others. Endpoints read it through
 * {@link GenerationDriver}.
 *
 * <p>Every API's usage passes here, so metering does too: {@link #submit} reserves the request's
 * tokens against its key's limit ({@link RequestMeter}), and when the last choice ends (finished or
 * cancelled, read or not) the run settles the reservation with the real counts and hands the ledger
 * one row. The stream's last event is released only once that row is written or
 * {@link #LEDGER_WAIT_MILLIS} have passed, so an answer a client received whole is in the ledger even if
 * the server is killed right after, and a slow or failed disk costs at most that wait.
 */
public final class GenerationRun implements AutoCloseable {
    /** An event of choice {@code index}. */
    public record Indexed(int index, GenerationEvent event) {
    }

    /** How long the end of a stream waits for its usage row to be written. */
    static final long LEDGER_WAIT_MILLIS = 1000;

    private final List<GenerationHandle> handles;
    private final LinkedBlockingQueue<Indexed> events = new LinkedBlockingQueue<>();
    private final ServerState state;
    private final Tally tally;
    private int open;
    /** Choices the endpoint stopped ({@link #stop}): their later events are dropped. */
    private final java.util.BitSet stopped = new java.util.BitSet();

    private GenerationRun(List<GenerationHandle> handles, ServerState state, Tally tally) {
        this.handles = handles;
        this.state = state;
        this.tally = tally;
        this.open = handles.size();
        for (int i = 0; i < handles.size(); i++) {
            int index = i;
            GenerationHandle h = handles.get(i);
            Thread.ofVirtual().name("cria-events-" + i).start(() -> forward(index, h));
        }
    }

    /**
     * Submits the requests as one unit (one place in the engine's queue, whatever n is); a full queue
     * is a 429 that a retry can pass, since the request would fit an idle engine.
     */
    public static GenerationRun submit(Engine engine, List<GenerationRequest> requests, ServerState state) {
        RequestMeter.Reservation reservation = RequestMeter.current().reserve(state.modelId(), estimate(requests));
        List<GenerationHandle> handles;
        try {
            handles = engine.submitAll(requests);
        } catch (EngineBusyException e) {
            reservation.release();
            throw ApiError.queueFull("The server is busy: the generation queue is full. Please retry shortly.", 1);
        } catch (ContextLengthExceededException e) {
            reservation.release();
            throw ApiError.contextLengthExceeded(e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            reservation.release();
            throw ApiError.badRequest(e.getMessage(), null);
        } catch (RuntimeException e) {
            reservation.release();
            throw e;
        }
        GenerationRun run = new GenerationRun(handles, state, new Tally(requests, reservation));
        state.register(handles);
        return run;
    }

    private void forward(int index, GenerationHandle handle) {
        try {
            while (true) {
                GenerationEvent e = handle.next();
                if (e instanceof GenerationEvent.Finished f) tally.ended(index, f.usage());
                else if (e instanceof GenerationEvent.Failed) tally.ended(index, null);
                events.add(new Indexed(index, e));
                if (!(e instanceof GenerationEvent.Token)) return;
            }
        } catch (InterruptedException e) {
            handle.cancel();
            tally.ended(index, null);
            events.add(new Indexed(index, new GenerationEvent.Failed("interrupted")));
        } catch (RuntimeException e) {
            tally.ended(index, null);
            events.add(new Indexed(index, new GenerationEvent.Failed("engine error: " + e.getMessage())));
        }
    }

    /** The tokens a request may use at most: each distinct prompt once, plus every choice's max_tokens. */
    private static long estimate(List<GenerationRequest> requests) {
        long total = 0;
        Map<int[], Boolean> prompts = new IdentityHashMap<>();
        for (GenerationRequest r : requests) {
            if (prompts.put(r.prompt(), Boolean.TRUE) == null) total += r.prompt().length;
            total += Math.max(0, r.maxTokens());
        }
        return total;
    }

    /**
     * The run's usage as its choices end, counted as the APIs report it: a prompt shared by several
     * choices ({@code n}) once, its cached tokens the most any of them reused. When the last choice
     * has ended the reservation is settled and the ledger row queued.
     */
    private static final class Tally {
        private final List<GenerationRequest> requests;
        private final RequestMeter.Reservation reservation;
        private final Usage[] usages;
        private int left;
        private CompletableFuture<Boolean> written;

        Tally(List<GenerationRequest> requests, RequestMeter.Reservation reservation) {
            this.requests = requests;
            this.reservation = reservation;
            this.usages = new Usage[requests.size()];
            this.left = requests.size();
        }

        synchronized void ended(int index, Usage usage) {
            usages[index] = usage;
            if (--left > 0) return;
            Map<int[], long[]> prompts = new IdentityHashMap<>(); // prompt → {tokens, cached}
            long completion = 0;
            for (int i = 0; i < usages.length; i++) {
                Usage u = usages[i];
                if (u == null) continue; // failed: nothing is known, nothing is charged
                completion += u.completionTokens();
                long[] p = prompts.computeIfAbsent(requests.get(i).prompt(), k -> new long[2]);
                p[0] = Math.max(p[0], u.promptTokens());
                p[1] = Math.max(p[1], u.cachedTokens());
            }
            long prompt = 0, cached = 0;
            for (long[] p : prompts.values()) {
                prompt += p[0];
                cached += p[1];
            }
            written = reservation.settle(prompt, cached, completion);
        }

        /** Waits (at most {@code millis}) until the row of a run whose choices all ended is written or lost. */
        void awaitWritten(long millis) throws InterruptedException {
            CompletableFuture<Boolean> w;
            synchronized (this) {
                w = written;
            }
            if (w == null) return;
            try {
                w.get(millis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // metering never holds a generation up longer than this
            }
        }
    }

    /** The next event of any choice, or null once every choice has finished or failed. */
    public Indexed next() throws InterruptedException {
        while (open > 0) {
            Indexed e = events.take();
            if (!(e.event() instanceof GenerationEvent.Token)) open--;
            if (!stopped.get(e.index())) return e;
        }
        tally.awaitWritten(LEDGER_WAIT_MILLIS);
        return null;
    }

    /**
     * Ends one choice early on the endpoint's behalf (its content filter blocked the answer): it is
     * cancelled at the engine's next step and {@link #next} returns none of its later events, so the
     * endpoint, which has already sent that choice's end, never sees its cancellation.
     */
    public void stop(int index) {
        stopped.set(index);
        handles.get(index).cancel();
    }

    public int size() {
        return handles.size();
    }

    /** Stops every choice at the engine's next step (client gone, server draining). */
    public void cancel() {
        handles.forEach(GenerationHandle::cancel);
    }

    /** Cancels whatever still runs and forgets the run. */
    @Override
    public void close() {
        if (open > 0) cancel();
        state.unregister(handles);
    }
}
