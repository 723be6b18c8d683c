package dev.cria.loader;

/** The steps of a model load that take time, in the order they run. */
public enum LoadPhase {
    /** Mapping the file(s) and reading the header: the whole file's bytes, though mmap reads none yet. */
    MAPPING("mapping"),
    /** {@code FiniteWeights}: the embedding's (and a separate output's) scales read from disk. */
    CHECKING("checking weights"),
    /**
     * For q8 activations where the integer kernels run (512-bit), the Q4_0, Q4_K and Q6_K matrices
     * copied into groups of 32 rows interleaved ({@code Q4_0Interleaved}, {@code Q4_KInterleaved},
     * {@code Q6_KInterleaved}).
     */
    INTERLEAVING("interleaving rows"),
    /** The vocabulary and merges: tokenizer.json's bytes, or 0 for a GGUF's header keys. */
    TOKENIZER("reading tokenizer");

    private final String label;

    LoadPhase(String label) {
        this.label = label;
    }

    /** What a progress bar calls the phase. */
    public String label() {
        return label;
    }
}
