package dev.cria.loader;

/**
 * What a model load has done so far, for a progress bar: each {@link LoadPhase} reports its bytes
 * done of its total, first 0, then never backwards, last the total (a phase whose work is not
 * counted in bytes reports a total of 0). Phases come in the order of {@link LoadPhase}, some left
 * out (no interleaving with f32 activations or without Q4_0, Q4_K, Q6_K matrices). Called on the loading thread after each
 * 64 MiB checked and each 4096 rows interleaved: a few hundred calls a
 * load (184 for a 1B Q4_0 file), so a listener need not be cheap.
 */
@FunctionalInterface
public interface LoadProgress {
    /** Nobody listening: the loader then works through each tensor at once, as without progress. */
    LoadProgress NONE = (phase, done, total) -> {
    };

    void progressed(LoadPhase phase, long done, long total);
}
