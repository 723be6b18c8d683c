package dev.cria.server.generation;

import dev.cria.engine.ContextLengthExceededException;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineBusyException;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.server.api.ApiError;
import dev.cria.server.serving.ServerState;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The generations of one API request ({@code n} choices, several prompts), submitted together and
 * read as one stream of events tagged with their choice index, in arrival order. One virtual thread
 * per handle forwards its events, so a slow choice never blocks the others. Endpoints read it through
 * {@link GenerationDriver}.
 */
public final class GenerationRun implements AutoCloseable {
    /** An event of choice {@code index}. */
    public record Indexed(int index, GenerationEvent event) {
    }

    private final List<GenerationHandle> handles;
    private final LinkedBlockingQueue<Indexed> events = new LinkedBlockingQueue<>();
    private final ServerState state;
    private int open;
    /** Choices the endpoint stopped ({@link #stop}): their later events are dropped. */
    private final java.util.BitSet stopped = new java.util.BitSet();

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
        while (open > 0) {
            Indexed e = events.take();
            if (!(e.event() instanceof GenerationEvent.Token)) open--;
            if (!stopped.get(e.index())) return e;
        }
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
