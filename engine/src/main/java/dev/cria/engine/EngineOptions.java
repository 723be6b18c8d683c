package dev.cria.engine;

/**
 * How to run a model.
 *
 * @param contextSize tokens of context per sequence (--ctx-size; 0 = min(8192, the model's))
 * @param threads     compute threads (--threads; 0 = all cores)
 * @param maxQueue    requests waiting beyond the running ones before submit throws {@link EngineBusyException}
 * @param parallel    sequences run at once (--parallel)
 */
public record EngineOptions(int contextSize, int threads, int maxQueue, int parallel) {
    public static EngineOptions defaults() {
        return new EngineOptions(0, 0, 64, 1);
    }

    public EngineOptions withContextSize(int n) {
        return new EngineOptions(n, threads, maxQueue, parallel);
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(contextSize, n, maxQueue, parallel);
    }
}
