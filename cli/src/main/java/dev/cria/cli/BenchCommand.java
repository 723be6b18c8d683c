package dev.cria.cli;

import dev.cria.kernels.ComputePool;
import dev.cria.kernels.Kernels;
import dev.cria.kv.KvSequence;
import dev.cria.kv.KvType;
import dev.cria.loader.ModelLoader;
import dev.cria.loader.SyntheticModel;
import dev.cria.model.ActivationType;
import dev.cria.model.LlamaConfig;
import dev.cria.model.LlamaModel;
import dev.cria.model.LlamaWeights;
import picocli.CommandLine.Command;
import dev.cria.engine.LlamaEngine;
import dev.cria.grammar.GrammarState;
import dev.cria.grammar.TokenGrammar;
import dev.cria.grammar.json.JsonSchemaGrammar;
import dev.cria.sampling.Sampler;
import dev.cria.sampling.SamplingParams;
import dev.cria.util.StrictJson;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code cria bench}, modelled on llama-bench: prompt processing (ppN: N prompt tokens in batches,
 * from an empty context) and text generation (tgN: N tokens one at a time, from an empty context),
 * tokens/s averaged over repetitions after warm-up runs (the JIT compiles the kernels in them: runs
 * until one is within 10% of the one before and the JIT was all but idle during it).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt processing (pp) and text generation (tg) speed, like llama-bench.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "GGUF file or Hugging Face folder")
    Path model;

    @Option(names = "--synthetic", paramLabel = "SIZE:TYPE",
            description = "Random weights with real shapes instead of a file: 1b:Q4_0, 3b:Q8_0, 1b:Q4_K_M, 1b:F16 ...")
    String synthetic;

    @Option(names = "-p", defaultValue = "512", description = "Prompt tokens (0 = skip pp; default ${DEFAULT-VALUE})") int promptTokens;
    @Option(names = "-n", defaultValue = "128", description = "Generated tokens (0 = skip tg; default ${DEFAULT-VALUE})") int genTokens;
    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Threads (0 = all cores)") int threads;
    @Option(names = {"-r", "--repetitions"}, defaultValue = "3") int reps;
    @Option(names = {"-b", "--batch"}, defaultValue = "512", description = "Tokens per forward pass in pp") int batch;
    @Option(names = {"-d", "--depth"}, defaultValue = "0",
            description = "Context already in the KV cache before each test (llama-bench -d); filled without computing, for timing only") int depth;
    @Option(names = {"-s", "--sequences"}, defaultValue = "1",
            description = "Sequences generated together in tg, one token each per forward pass (continuous batching's decode step, like llama-batched-bench); tokens/s counts all of them") int sequences;
    @Option(names = "--kv-type", defaultValue = "f32", description = "KV storage: f32, f16, q8_0 (default ${DEFAULT-VALUE})") String kvType;
    @Option(names = "--activations", paramLabel = "TYPE", converter = EngineFlags.ActivationName.class, defaultValue = "q8",
            description = EngineFlags.ACTIVATIONS_HELP) ActivationType activations;
    @Option(names = "--json", description = "Print one JSON array instead of a table") boolean json;
    @Option(names = "--json-schema", paramLabel = "FILE", description = "Also run tg with greedy sampling constrained by this JSON Schema (MODEL only: its tokenizer), to compare with plain tg")
    Path jsonSchema;
    @Option(names = "--no-bandwidth", description = "Skip the read-bandwidth and FMA-rate measurements (the rooflines)") boolean noBandwidth;

    /** One test's figure with the machine's ceilings measured in the same run (0: not measured). */
    record Result(String test, double tokensPerSecond, double stddev, int threads, String modelType,
                  long bytesPerToken, double bandwidthGBps, long macsPerToken, double fmaGmacs, int sequences) {
    }

    @Override
    public Integer call() throws Exception {
        if ((model == null) == (synthetic == null)) throw new IllegalArgumentException("give either MODEL or --synthetic SIZE:TYPE");
        KvType kv = parseKvType(kvType);
        if (promptTokens < 0 || genTokens < 0 || reps < 1 || batch < 1 || sequences < 1) throw new IllegalArgumentException("-p, -n must be >= 0; -r, -b, -s >= 1");
        int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        LlamaConfig config;
        LlamaWeights weights;
        AutoCloseable resources;
        String type;
        if (synthetic != null) {
            System.err.println("cria: building " + synthetic + " ...");
            SyntheticModel.Synthetic s = SyntheticModel.create(synthetic);
            config = s.config();
            weights = s.weights();
            resources = s.arena();
            type = s.description();
        } else {
            ModelLoader.Weights w;
            try (LoadProgressBar loading = LoadProgressBar.onStderr(model)) {
                w = ModelLoader.loadWeights(model, activations, loading);
                loading.finished("cria: " + loading.loaded(w.description(), ""));
            }
            config = w.config();
            weights = w.weights();
            resources = w;
            type = w.description();
        }
        if (activations == ActivationType.Q8) type += " act q8";
        if (Kernels.vectorBits() != 512) type += " " + Kernels.vectorBits() + "-bit"; // a CPU without AVX-512 (Vector256Kernels)
        TokenGrammar grammar = jsonSchemaGrammar();
        List<Result> results = new ArrayList<>();
        try (ComputePool pool = new ComputePool(nThreads); resources) {
            double bw = noBandwidth ? 0 : ReadBandwidth.measureGBps(1L << 30, nThreads);
            double fma = noBandwidth ? 0 : FmaThroughput.measureGmacs(nThreads);
            long macs = weights.layerMultiplyAddsPerToken();
            LlamaModel m = new LlamaModel(config, weights, pool, Math.max(sequences, Math.min(batch, Math.max(promptTokens, 1))), activations);
            SplittableRandom rnd = new SplittableRandom(1);
            int ctx = depth + Math.max(promptTokens, genTokens) + 1;
            String at = depth > 0 ? " @ d" + depth : "";
            if (promptTokens > 0) {
                double[] tps = run(reps, () -> pp(m, promptTokens, fresh(m, ctx, kv), rnd));
                results.add(new Result("pp" + promptTokens + at, mean(tps), sd(tps), nThreads, type, weights.bytesPerToken(), bw, macs, fma, 1));
            }
            if (genTokens > 0) {
                double[] tps = run(reps, () -> tg(m, genTokens, fresh(m, ctx, kv, sequences), rnd));
                String name = "tg" + genTokens + (sequences > 1 ? " x" + sequences : "");
                results.add(new Result(name + at, mean(tps), sd(tps), nThreads, type, weights.bytesPerToken(), bw, macs, fma, sequences));
                if (grammar != null) {
                    double[] ctps = run(reps, () -> constrainedTg(m, genTokens, fresh(m, ctx, kv, sequences), rnd, grammar));
                    results.add(new Result(name + " json" + at, mean(ctps), sd(ctps), nThreads, type, weights.bytesPerToken(), bw, macs, fma, sequences));
                }
            }
        }
        print(results);
        if (constrainedSampled > 0) {
            // Choosing a token is timed apart from the forward pass, so its cost reads true on a noisy machine.
            System.err.printf(java.util.Locale.ROOT, "cria: choosing a token: %.1f us constrained (grammar + sampler), %.1f us plain argmax%n",
                    constrainedSamplingNanos / 1e3 / constrainedSampled, plainSamplingNanos / 1e3 / Math.max(1, plainSampled));
        }
        return 0;
    }

    /** Time spent choosing tokens in tg (argmax) and in constrained tg (grammar and sampler), and how many were chosen. */
    private long plainSamplingNanos, plainSampled, constrainedSamplingNanos, constrainedSampled;

    /** The --json-schema grammar against the model's own tokenizer, or null. */
    private TokenGrammar jsonSchemaGrammar() {
        if (jsonSchema == null) return null;
        if (model == null) throw new IllegalArgumentException("--json-schema needs a MODEL file (its tokenizer), not --synthetic");
        Object schema = StrictJson.readObjectFile(jsonSchema, jsonSchema.toString());
        return TokenGrammar.compile(JsonSchemaGrammar.grammar(schema), LlamaEngine.grammarVocabulary(ModelLoader.loadTokenizer(model)));
    }

    interface Timed {
        double tokensPerSecond();
    }

    private static double[] run(int reps, Timed t) {
        // Warm-up until the JIT is done: runs until one is within 10% of the one before and the JIT
        // compiled for under 2% of its time (at most 6 runs). One run was not enough for the batched
        // kernels: C2 compiles a large kernel for seconds on the same 2 cores, and a 32-step run of 8
        // sequences measured half the rate of the next. Nor was the rate alone: two runs can be
        // equally slow while a kernel called a few times per token still runs interpreted.
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watched = jit != null && jit.isCompilationTimeMonitoringSupported();
        double last = t.tokensPerSecond();
        for (int i = 0; i < 5; i++) {
            long compiling = watched ? jit.getTotalCompilationTime() : 0, start = System.nanoTime();
            double next = t.tokensPerSecond();
            double ms = (System.nanoTime() - start) / 1e6;
            boolean jitIdle = !watched || jit.getTotalCompilationTime() - compiling <= 0.02 * ms;
            boolean steady = Math.abs(next - last) <= 0.1 * last;
            last = next;
            if (steady && jitIdle) break;
        }
        double[] r = new double[reps];
        for (int i = 0; i < reps; i++) r[i] = t.tokensPerSecond();
        return r;
    }

    static KvType parseKvType(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> KvType.F32;
            case "f16" -> KvType.F16;
            case "q8_0" -> KvType.Q8_0;
            default -> throw new IllegalArgumentException("--kv-type must be f32, f16 or q8_0, got '" + s + "'");
        };
    }

    /** A sequence whose first {@code depth} positions count as filled (zeros: attention costs the same). */
    private KvSequence fresh(LlamaModel m, int ctx, KvType kv) {
        return fresh(m, ctx, kv, 1)[0];
    }

    /** {@code count} sequences in one pool, each with its first {@code depth} positions counted as filled. */
    private KvSequence[] fresh(LlamaModel m, int ctx, KvType kv, int count) {
        int blocksEach = (ctx + 15) / 16;
        var pool = m.newKvPool(16, blocksEach * count, kv);
        KvSequence[] seqs = new KvSequence[count];
        for (int i = 0; i < count; i++) {
            seqs[i] = new KvSequence(pool);
            if (depth > 0) {
                seqs[i].reserve(depth);
                seqs[i].filled(depth, new int[depth]);
            }
        }
        return seqs;
    }

    private double pp(LlamaModel m, int n, KvSequence kv, SplittableRandom rnd) {
        int b = m.maxBatch();
        int[] tokens = new int[b];
        int[] pos = new int[b];
        KvSequence[] kvs = new KvSequence[b];
        boolean[] want = new boolean[b];
        float[] logits = new float[m.config().vocabSize()];
        long t0 = System.nanoTime();
        for (int done = 0; done < n; ) {
            int k = Math.min(b, n - done);
            for (int i = 0; i < k; i++) {
                tokens[i] = rnd.nextInt(m.config().vocabSize());
                pos[i] = depth + done + i;
                kvs[i] = kv;
                want[i] = done + i == n - 1;
            }
            m.forward(k, tokens, pos, kvs, want, logits);
            done += k;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** n steps of one token for each sequence, all sequences in one forward pass per step. */
    private double tg(LlamaModel m, int n, KvSequence[] kvs, SplittableRandom rnd) {
        int s = kvs.length;
        int vocab = m.config().vocabSize();
        int[] tokens = new int[s];
        int[] pos = new int[s];
        boolean[] want = new boolean[s];
        java.util.Arrays.fill(want, true);
        for (int i = 0; i < s; i++) tokens[i] = rnd.nextInt(vocab);
        float[] logits = new float[s * vocab];
        long t0 = System.nanoTime();
        for (int step = 0; step < n; step++) {
            java.util.Arrays.fill(pos, depth + step);
            m.forward(s, tokens, pos, kvs, want, logits);
            long c0 = System.nanoTime();
            for (int i = 0; i < s; i++) tokens[i] = argmax(logits, i * vocab, vocab);
            plainSamplingNanos += System.nanoTime() - c0;
            plainSampled += s;
        }
        return (double) n * s / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * {@link #tg} with greedy sampling through the grammar, as the engine samples a constrained
     * sequence (check the sampled token, the full mask when it is refused); a sequence whose answer is
     * complete starts a new one. The difference to tg is what constrained decoding costs per token.
     */
    private double constrainedTg(LlamaModel m, int n, KvSequence[] kvs, SplittableRandom rnd, TokenGrammar grammar) {
        int s = kvs.length;
        int vocab = m.config().vocabSize();
        int[] tokens = new int[s];
        int[] pos = new int[s];
        boolean[] want = new boolean[s];
        java.util.Arrays.fill(want, true);
        for (int i = 0; i < s; i++) tokens[i] = rnd.nextInt(vocab);
        float[] logits = new float[s * vocab];
        Sampler[] samplers = new Sampler[s];
        GrammarState[] states = new GrammarState[s];
        long[] mask = new long[(grammar.vocabulary().size() + 63) >>> 6];
        for (int i = 0; i < s; i++) {
            samplers[i] = new Sampler(vocab, SamplingParams.greedy());
            states[i] = grammar.start();
        }
        long t0 = System.nanoTime();
        for (int step = 0; step < n; step++) {
            java.util.Arrays.fill(pos, depth + step);
            m.forward(s, tokens, pos, kvs, want, logits);
            long c0 = System.nanoTime();
            for (int i = 0; i < s; i++) {
                int id = samplers[i].sample(logits, i * vocab, states[i], mask);
                if (id < 0 || states[i].isComplete() && isEnd(grammar, id)) {
                    states[i] = grammar.start();
                    tokens[i] = argmax(logits, i * vocab, vocab);
                    continue;
                }
                states[i].accept(id);
                tokens[i] = id;
                if (states[i].mustEnd()) states[i] = grammar.start();
            }
            constrainedSamplingNanos += System.nanoTime() - c0;
            constrainedSampled += s;
        }
        return (double) n * s / ((System.nanoTime() - t0) / 1e9);
    }

    private static boolean isEnd(TokenGrammar g, int id) {
        for (int e : g.vocabulary().endIds()) if (e == id) return true;
        return false;
    }

    private static int argmax(float[] a, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
        return best;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }

    private static double sd(double[] a) {
        if (a.length < 2) return 0;
        double m = mean(a), s = 0;
        for (double v : a) s += (v - m) * (v - m);
        return Math.sqrt(s / (a.length - 1));
    }

    private void print(List<Result> results) {
        if (json) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < results.size(); i++) {
                Result r = results.get(i);
                if (i > 0) b.append(",");
                b.append(String.format(Locale.ROOT,
                        "\n  {\"test\": \"%s\", \"tokens_per_second\": %.3f, \"stddev\": %.3f, \"threads\": %d, \"model_type\": \"%s\", "
                                + "\"bytes_per_token\": %d, \"read_bandwidth_gbps\": %.2f, \"bandwidth_fraction\": %.3f, "
                                + "\"multiply_adds_per_token\": %d, \"fma_gmacs\": %.1f, \"fma_fraction\": %.3f}",
                        r.test(), r.tokensPerSecond(), r.stddev(), r.threads(), r.modelType().replace("\"", "'"),
                        r.bytesPerToken(), r.bandwidthGBps(), bandwidthFraction(r), r.macsPerToken(), r.fmaGmacs(), fmaFraction(r)));
            }
            System.out.println(b.append("\n]"));
            return;
        }
        System.out.printf(Locale.ROOT, "| %-28s | %7s | %6s | %16s | %10s | %9s | %12s |%n", "model", "threads", "test", "t/s", "read GB/s", "FMA G/s", "of roofline");
        System.out.printf(Locale.ROOT, "|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(30), "-".repeat(9), "-".repeat(8), "-".repeat(18), "-".repeat(12), "-".repeat(11), "-".repeat(14));
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %-28s | %7d | %6s | %8.2f ± %5.2f | %10.1f | %9.1f | %11.0f%% |%n", r.modelType(), r.threads(), r.test(),
                    r.tokensPerSecond(), r.stddev(), r.bandwidthGBps(), r.fmaGmacs(), 100 * (bandwidthFraction(r) + fmaFraction(r)));
        }
    }

    /**
     * tg as a fraction of the bandwidth ceiling (read GB/s ÷ bytes per token); 0 for pp or without a
     * bandwidth figure. With several sequences a step reads the weights once for all of them.
     */
    static double bandwidthFraction(Result r) {
        if (!r.test().startsWith("tg") || r.bandwidthGBps() <= 0) return 0;
        return r.tokensPerSecond() / r.sequences() * r.bytesPerToken() / (r.bandwidthGBps() * 1e9);
    }

    /**
     * pp as a fraction of the arithmetic ceiling (FMA rate ÷ the layers' multiply-adds per token;
     * attention and the last token's output matrix are left out, so this slightly flatters); 0 for tg
     * or without an FMA figure.
     */
    static double fmaFraction(Result r) {
        if (!r.test().startsWith("pp") || r.fmaGmacs() <= 0) return 0;
        return r.tokensPerSecond() * r.macsPerToken() / (r.fmaGmacs() * 1e9);
    }
}
