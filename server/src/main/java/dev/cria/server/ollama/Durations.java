package dev.cria.server.ollama;

/**
 * The clock of one answer, for the final line's durations (nanoseconds). The model is loaded before
 * any request, so {@code load_duration} is the time the request took to prepare (JSON, template,
 * tokenizing) before the engine had it; {@code prompt_eval_duration} runs from then to the first
 * token (queueing and prefill); {@code eval_duration} from the first token to the last, so that
 * {@code eval_count / eval_duration * 10^9} is the decoding speed, as Ollama's docs compute it.
 */
final class Durations {
    private final long start;
    private long submitted;
    private long firstToken;
    private long end;
    private boolean tokenSeen;

    /** {@code start} is System.nanoTime() when the request arrived. */
    Durations(long start) {
        this.start = start;
        this.submitted = start;
    }

    void submitted() {
        submitted = System.nanoTime();
    }

    void token() {
        if (tokenSeen) return;
        tokenSeen = true;
        firstToken = System.nanoTime();
    }

    void end() {
        end = System.nanoTime();
        if (!tokenSeen) token();
    }

    OllamaShapes.Stats stats(int promptEvalCount, int evalCount) {
        return new OllamaShapes.Stats(end - start, submitted - start, promptEvalCount, firstToken - submitted, evalCount,
                end - firstToken);
    }
}
