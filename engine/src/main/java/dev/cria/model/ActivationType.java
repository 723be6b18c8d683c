package dev.cria.model;

/**
 * What the single-token weight matvecs multiply the weights with.
 */
public enum ActivationType {
    /** The activations as float32, weights decoded exactly: matches a float64 reference within float32 rounding (the default; every golden test). */
    F32,
    /**
     * The activations rounded to int8 blocks once per matvec, as llama.cpp's CPU backend does (Q8_K for
     * Q4_K / Q6_K weights, Q8_0 for Q4_0 repacked at load), then integer dot products: faster, and about as far from the reference as
     * llama.cpp is. Only one-token steps; prompt batches and other weight types stay float32.
     */
    Q8;

    /** The CLI spelling: f32 or q8 (any case). */
    public static ActivationType parse(String s) {
        for (ActivationType t : values()) {
            if (t.name().equalsIgnoreCase(s.strip())) return t;
        }
        throw new IllegalArgumentException("expected activations f32 or q8, got '" + s + "'");
    }
}
