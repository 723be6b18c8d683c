package dev.cria.engine;

import dev.cria.kv.KvType;
import dev.cria.model.ActivationType;

/**
 * How to run a model.
 *
 * @param contextSize   tokens of context one sequence may use (--ctx-size; 0 = min(8192, the model's))
 * @param threads       compute threads (--threads; 0 = all cores)
 * @param maxQueue      requests waiting beyond the running ones before submit throws {@link EngineBusyException}
 * @param parallel      sequences run at once (--parallel)
 * @param kvMemoryBytes KV pool size (--kv-memory; 0 = contextSize × parallel tokens)
 * @param kvType        how keys and values are stored (--kv-type)
 * @param activations   what the weight matmuls multiply the weights with (--activations; Q8 like llama.cpp, the default; F32 exact)
 */
public record EngineOptions(int contextSize, int threads, int maxQueue, int parallel, long kvMemoryBytes, KvType kvType,
                            ActivationType activations) {
    public EngineOptions {
        if (kvType == null) kvType = KvType.F32;
        if (activations == null) activations = ActivationType.Q8;
    }

    public EngineOptions(int contextSize, int threads, int maxQueue, int parallel, long kvMemoryBytes, KvType kvType) {
        this(contextSize, threads, maxQueue, parallel, kvMemoryBytes, kvType, ActivationType.Q8);
    }

    public EngineOptions(int contextSize, int threads, int maxQueue, int parallel) {
        this(contextSize, threads, maxQueue, parallel, 0, KvType.F32);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(0, 0, 64, 4);
    }

    public EngineOptions withContextSize(int n) {
        return new EngineOptions(n, threads, maxQueue, parallel, kvMemoryBytes, kvType, activations);
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(contextSize, n, maxQueue, parallel, kvMemoryBytes, kvType, activations);
    }

    public EngineOptions withActivations(ActivationType a) {
        return new EngineOptions(contextSize, threads, maxQueue, parallel, kvMemoryBytes, kvType, a);
    }
}
