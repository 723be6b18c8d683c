package dev.cria.loader;

import dev.cria.kernels.Q4_0Interleaved;
import dev.cria.kernels.Q4_KInterleaved;
import dev.cria.kernels.Q6_KInterleaved;
import dev.cria.model.LayerWeights;
import dev.cria.model.LlamaWeights;
import dev.cria.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * The load's {@link LoadPhase#INTERLEAVING} phase: the Q4_0, Q4_K and Q6_K matrices rearranged for
 * the integer kernels ({@link Q4_0Interleaved}, {@link Q4_KInterleaved}, {@link Q6_KInterleaved}),
 * one matrix per core at a time. The rearranging is a byte shuffle bound by the core doing it, not
 * by memory, and the matrices are independent: on two cores the phase takes about half as long
 * (docs/benchmarks.md, "Load time and memory"). The result is the same whichever core copies what.
 */
final class Interleaving {
    private Interleaving() {
    }

    /**
     * {@code w} with its matrices interleaved into {@code arena}, their file pages released from the
     * resident set; a tied output stays the same matrix as the embedding. The other matrices stay in
     * the file layout, for the float kernels.
     */
    static LlamaWeights apply(LlamaWeights w, Arena arena, LoadProgress progress) {
        return apply(w, arena, progress, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #apply(LlamaWeights, Arena, LoadProgress)} on at most {@code threads} threads (the caller's included). */
    static LlamaWeights apply(LlamaWeights w, Arena arena, LoadProgress progress, int threads) {
        List<WeightMatrix> all = new ArrayList<>(List.of(w.tokenEmbedding(), w.output()));
        for (LayerWeights l : w.layers()) all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        Set<WeightMatrix> distinct = Collections.newSetFromMap(new IdentityHashMap<>()); // a tied output is the embedding
        for (WeightMatrix m : all) if (interleaves(m)) distinct.add(m);
        if (distinct.isEmpty()) return w; // nothing to rearrange: no phase to report
        // largest first, so the last matrices to finish are small ones and the cores end together
        List<WeightMatrix> todo = new ArrayList<>(distinct);
        todo.sort(Comparator.comparingLong(WeightMatrix::byteSize).reversed());
        long bytes = todo.stream().mapToLong(WeightMatrix::byteSize).sum();
        PhaseReport interleaving = PhaseReport.start(progress, LoadPhase.INTERLEAVING, bytes);
        LongConsumer advance = interleaving::advance; // one per load, not one per matrix
        Map<WeightMatrix, WeightMatrix> done = rearrange(todo, arena, advance, threads);
        UnaryOperator<WeightMatrix> r = m -> done.getOrDefault(m, m);
        List<LayerWeights> layers = new ArrayList<>();
        for (LayerWeights l : w.layers()) {
            layers.add(new LayerWeights(l.attnNorm(), r.apply(l.wq()), r.apply(l.wk()), r.apply(l.wv()), r.apply(l.wo()),
                    l.ffnNorm(), r.apply(l.wGate()), r.apply(l.wUp()), r.apply(l.wDown())));
        }
        LlamaWeights packed = new LlamaWeights(r.apply(w.tokenEmbedding()), layers, w.outputNorm(), r.apply(w.output()));
        interleaving.finish();
        return packed;
    }

    /** Each of {@code todo} interleaved, the calling thread and up to {@code threads - 1} more taking them in order. */
    private static Map<WeightMatrix, WeightMatrix> rearrange(List<WeightMatrix> todo, Arena arena, LongConsumer advance, int threads) {
        WeightMatrix[] out = new WeightMatrix[todo.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable work = () -> {
            for (int i; failure.get() == null && (i = next.getAndIncrement()) < todo.size(); ) {
                try {
                    out[i] = interleaved(todo.get(i), arena, advance);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        int helpers = Math.max(0, Math.min(todo.size(), threads) - 1);
        List<Thread> started = new ArrayList<>(helpers);
        for (int k = 0; k < helpers; k++) started.add(Thread.ofPlatform().name("cria-interleave-" + k).daemon().start(work));
        work.run();
        for (Thread t : started) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while interleaving the weights", e);
            }
        }
        if (failure.get() != null) throw failure.get();
        Map<WeightMatrix, WeightMatrix> done = new IdentityHashMap<>(); // join: every out[i] is visible here
        for (int i = 0; i < out.length; i++) done.put(todo.get(i), out[i]);
        return done;
    }

    /** Whether {@code m} (in the file layout) has an interleaved layout: Q4_0, Q4_K or Q6_K of whole groups of rows. */
    private static boolean interleaves(WeightMatrix m) {
        if (m.layout() != WeightMatrix.Layout.GGML_BLOCKS) return false;
        return switch (m.type()) {
            case Q4_0 -> Q4_0Interleaved.supports(m.rows(), m.cols());
            case Q4_K -> Q4_KInterleaved.supports(m.rows(), m.cols());
            case Q6_K -> Q6_KInterleaved.supports(m.rows(), m.cols());
            default -> false;
        };
    }

    /** {@code m} interleaved ({@link #interleaves} holds). */
    private static WeightMatrix interleaved(WeightMatrix m, Arena arena, LongConsumer advance) {
        return switch (m.type()) {
            case Q4_0 -> Q4_0Interleaved.repack(m, arena, true, advance);
            case Q4_K -> Q4_KInterleaved.repack(m, arena, true, advance);
            default -> Q6_KInterleaved.repack(m, arena, true, advance);
        };
    }
}
