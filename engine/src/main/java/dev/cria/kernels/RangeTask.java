package dev.cria.kernels;

/** A piece of parallel work over the index range {@code [from, to)}; see {@link ComputePool#parallelFor}. */
@FunctionalInterface
public interface RangeTask {
    void run(int from, int to);
}
