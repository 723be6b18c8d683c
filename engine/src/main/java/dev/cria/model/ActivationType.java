package dev.cria.model;

/**
 * What the weight matmuls multiply the weights with. {@link #Q8} is the default: faster, and on the
 * golden zoo at least as often right about the reference's top token as llama.cpp
 * ({@code Q8ActivationsGoldenTest}); {@link #F32} is the exact mode.
 */
public enum ActivationType {
    /** The activations as float32, weights decoded exactly: matches a float64 reference within float32 rounding (the exact mode; every logits golden test). */
    F32,
    /**
     * The activations rounded to int8 blocks once per matmul input, as llama.cpp's CPU backend does
     * (Q8_0 for Q4_0 weights, Q8_K for Q4_K / Q6_K), then integer dot products: faster, and about as
     * far from the reference as llama.cpp is (the default). Q4_0 is interleaved at load and runs every
     * step on integer kernels; Q4_K / Q6_K one-token steps only; other weight types stay float32.
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
