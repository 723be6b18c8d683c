package dev.cria.server.generation;

import dev.cria.engine.ContextLengthExceededException;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineBusyException;
import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;
import dev.cria.server.serving.ServerState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The generations of one API request ({@code n} choices, several prompts), submitted together and
 * read as one stream of events tagged with their choice index, in arrival order. One virtual thread
 * per handle forwards its events, so a slow choice never blocks the others.
 */
public final class GenerationRun implements AutoCloseable {
    /** An event of choice {@code index}. */
    public record Indexed(int index, GenerationEvent event) {
    }

    private final List<GenerationHandle> handles;
    private final LinkedBlockingQueue<Indexed> events = new LinkedBlockingQueue<>();
    private final ServerState state;
    private int open;

    private GenerationRun(List<GenerationHandle> handles, ServerState state) {
        this.handles = handles;
        this.state = state;
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
        List<GenerationHandle> handles;
        try {
            handles = engine.submitAll(requests);
        } catch (EngineBusyException e) {
            throw ApiError.queueFull("The server is busy: the generation queue is full. Please retry shortly.", 1);
        } catch (ContextLengthExceededException e) {
            throw ApiError.contextLengthExceeded(e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage(), null);
        }
        GenerationRun run = new GenerationRun(handles, state);
        state.register(handles);
        return run;
    }

    private void forward(int index, GenerationHandle handle) {
        try {
            while (true) {
                GenerationEvent e = handle.next();
                events.add(new Indexed(index, e));
                if (!(e instanceof GenerationEvent.Token)) return;
            }
        } catch (InterruptedException e) {
            handle.cancel();
            events.add(new Indexed(index, new GenerationEvent.Failed("interrupted")));
        } catch (RuntimeException e) {
            events.add(new Indexed(index, new GenerationEvent.Failed("engine error: " + e.getMessage())));
        }
    }

    /** The next event of any choice, or null once every choice has finished or failed. */
    public Indexed next() throws InterruptedException {
        if (open == 0) return null;
        Indexed e = events.take();
        if (!(e.event() instanceof GenerationEvent.Token)) open--;
        return e;
    }

    /** Like {@link #next()} but gives up after the timeout (returns null; check {@link #finished()}). */
    public Indexed poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (open == 0) return null;
        Indexed e = events.poll(timeout, unit);
        if (e != null && !(e.event() instanceof GenerationEvent.Token)) open--;
        return e;
    }

    /** What one choice produced, for a non-streaming answer. */
    public record ChoiceOutput(String text, List<TokenLogprob> logprobs, FinishReason reason, Usage usage) {
    }

    /**
     * Waits for every choice and returns them by index. A failed generation is a 500; one cancelled
     * (only the server cancels a request it still answers: it is draining) is a 503.
     */
    public List<ChoiceOutput> collect() throws InterruptedException {
        int size = handles.size();
        StringBuilder[] texts = new StringBuilder[size];
        List<List<TokenLogprob>> lps = new ArrayList<>(size);
        ChoiceOutput[] done = new ChoiceOutput[size];
        for (int i = 0; i < size; i++) {
            texts[i] = new StringBuilder();
            lps.add(new ArrayList<>());
        }
        for (Indexed e = next(); e != null; e = next()) {
            int i = e.index();
            switch (e.event()) {
                case GenerationEvent.Token t -> {
                    texts[i].append(t.text());
                    if (t.logprob() != null) lps.get(i).add(t.logprob());
                }
                case GenerationEvent.Finished f -> {
                    if (f.reason() == FinishReason.CANCELLED) {
                        cancel();
                        throw ApiError.unavailable("The server is shutting down; the generation was cancelled.");
                    }
                    texts[i].append(f.text());
                    done[i] = new ChoiceOutput(texts[i].toString(), List.copyOf(lps.get(i)), f.reason(), f.usage());
                }
                case GenerationEvent.Failed f -> {
                    cancel();
                    throw ApiError.internal("The generation failed: " + f.message());
                }
            }
        }
        return List.of(done);
    }

    public boolean finished() {
        return open == 0;
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
