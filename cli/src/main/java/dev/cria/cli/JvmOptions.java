package dev.cria.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options {@code cria} runs with, for a jar started without them ({@link VectorRelaunch}).
 * The same as bin/cria and bin/jdk25.sh pass (JvmOptionsTest holds them equal): the Vector API
 * module, native access for mmap and madvise, the small-young-generation serial GC, and the JIT
 * flags that keep C2 inlining the kernels' vector helpers (docs/benchmarks.md, "JIT flags"). The
 * image's entrypoint asks for them ({@link #main}) and starts one JVM with them.
 */
public final class JvmOptions {
    private JvmOptions() {
    }

    static final List<String> MODULES = List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");

    /** bin/cria's memory settings; why each: the comment there. */
    static final List<String> MEMORY = List.of("-XX:+UseSerialGC", "-XX:MaxNewSize=64m", "-Xss4m", "-Xmx6g");

    /** bin/jdk25.sh's {@code CRIA_JIT_FLAGS}, in its order. */
    static List<String> jitFlags() {
        List<String> flags = new ArrayList<>();
        flags.add("-XX:CompileCommand=quiet");
        for (String c : List.of("QuantVectors", "WeightBytes", "VectorKQuantKernels", "VectorQ32Kernels", "VectorFloatKernels")) {
            flags.add("-XX:CompileCommand=inline,dev.cria.kernels." + c + "::*");
        }
        flags.add("-XX:CompileCommand=inline,dev.cria.kernels.VectorFloatKernels$*::decode*");
        for (String c : List.of("Q4_0InterleavedDot", "Q4_KInterleavedDot", "Q6_KInterleavedDot",
                "Q4_0InterleavedDot256", "Q4_KInterleavedDot256", "Q6_KInterleavedDot256")) {
            flags.add("-XX:CompileCommand=dontinline,dev.cria.kernels." + c + "::*");
        }
        return flags;
    }

    /** Everything, in bin/cria's order; options the user gave the first JVM come after and so win. */
    static List<String> all() {
        List<String> all = new ArrayList<>(MODULES);
        all.addAll(MEMORY);
        all.addAll(jitFlags());
        return all;
    }

    /** Prints {@link #all()} on one line, for scripts that start the JVM themselves (image/entrypoint.sh). */
    public static void main(String[] args) {
        System.out.println(String.join(" ", all()));
    }
}
