package dev.cria.server.generation;

import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationEvent;
import dev.cria.server.api.ApiError;

import java.io.IOException;

/**
 * The one loop every generating endpoint runs: the engine's events of a {@link GenerationRun} in,
 * the endpoint's {@link GenerationFrames} out through a {@link Framing}. It owns what all APIs share:
 * a client that went away cancels the run; a generation cancelled by a draining server becomes a
 * 503 and a failed one a 500, reported as the framing can (an HTTP status before anything was sent,
 * an error frame once a stream began); a broken endpoint cancels the run too.
 */
public final class GenerationDriver {
    private GenerationDriver() {
    }

    /**
     * Runs {@code run} to its end. Returns normally also when the client went away or the stream
     * ended with an error frame; throws what {@link Framing#fail} rethrows (a JSON body's error).
     */
    public static void drive(GenerationRun run, GenerationFrames frames, Framing framing)
            throws IOException, InterruptedException {
        framing.open();
        try {
            frames.start(framing);
            for (GenerationRun.Indexed e = run.next(); e != null; e = run.next()) {
                int choice = e.index();
                switch (e.event()) {
                    case GenerationEvent.Token t -> frames.text(choice, t.text(), t.logprob(), framing);
                    // Only the server cancels a request it still answers: it is shutting down.
                    case GenerationEvent.Finished f when f.reason() == FinishReason.CANCELLED ->
                            throw ApiError.unavailable("The server is shutting down; the generation was cancelled.");
                    case GenerationEvent.Finished f -> frames.finish(choice, f.text(), f.reason(), f.usage(), framing);
                    case GenerationEvent.Failed f -> throw ApiError.internal("The generation failed: " + f.message());
                }
            }
            frames.end(framing);
            framing.end();
        } catch (IOException clientGone) {
            run.cancel(); // the client disconnected: stop generating at the engine's next step
        } catch (RuntimeException e) {
            run.cancel();
            framing.fail(e, frames::error);
        }
    }
}
