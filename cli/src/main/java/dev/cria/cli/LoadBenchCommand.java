package dev.cria.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.server.CriaServer;
import dev.cria.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code cria bench-serve}: a load test of the HTTP server, in the manner of vLLM's
 * benchmark_serving. N clients each stream one request after another (chat or text completions,
 * SSE over java.net.http) over a mix of prompt and output lengths; the run reports output tokens per
 * second, request counts, and TTFT / inter-token latency percentiles. Given a MODEL it starts the
 * server in-process on a loopback port (one command measures); given {@code --url} it drives a
 * running server. Separate from {@code cria bench}, which times the forward pass alone.
 */
@Command(name = "bench-serve", mixinStandardHelpOptions = true,
        description = "Load-test the server: N concurrent streaming clients; output tokens/s, TTFT and ITL percentiles.")
final class LoadBenchCommand implements Callable<Integer> {
    private static final List<String> METRICS = List.of("cria_requests_cancelled_total", "cria_preemptions_total",
            "cria_kv_blocks_used", "cria_requests_running", "cria_requests_waiting");

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "GGUF file or Hugging Face folder to serve in-process")
    Path model;

    @Mixin
    EngineFlags engineFlags;

    @Option(names = "--url", description = "Base URL of a running server instead of MODEL, e.g. http://127.0.0.1:8080")
    String url;

    @Option(names = "--api-key", description = "Key for a server started with --api-key")
    String apiKey;

    @Option(names = "--model-id", description = "The model to ask for (default: the first of GET /v1/models)")
    String modelId;

    @Option(names = "--endpoint", defaultValue = "chat", description = "chat (/v1/chat/completions) or completions (/v1/completions); default ${DEFAULT-VALUE}")
    String endpoint;

    @Option(names = {"-c", "--concurrency"}, defaultValue = "4", description = "Clients streaming at once (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--requests", defaultValue = "32", description = "Requests in the run (default ${DEFAULT-VALUE}; ignored with --duration)")
    int requests;

    @Option(names = "--duration", defaultValue = "0", description = "Seconds to keep sending instead of a request count (0 = use --requests)")
    double durationSeconds;

    @Option(names = "--prompt-tokens", defaultValue = "128", paramLabel = "N|MIN:MAX",
            description = "Prompt length in words (≈ tokens; chat adds its template), fixed or uniform in MIN:MAX (default ${DEFAULT-VALUE})")
    String promptTokens;

    @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "N|MIN:MAX",
            description = "Tokens to generate per request (sent with ignore_eos), fixed or uniform in MIN:MAX (default ${DEFAULT-VALUE})")
    String maxTokens;

    @Option(names = "--disconnect-fraction", defaultValue = "0", description = "Share of requests whose client drops the stream midway (0..1)")
    double disconnectFraction;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the request mix (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--warmup", defaultValue = "-1", description = "Unmeasured requests first, so the JIT has compiled the kernels (default: the concurrency)")
    int warmup;

    @Option(names = "--compare-single", description = "Also run requests of the same lengths (other words, so no prompt is cached) with one client first and report the throughput ratio")
    boolean compareSingle;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds one request may take (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "Print one JSON object instead of a table")
    boolean json;

    @Option(names = "--max-queue", defaultValue = "0", description = "In-process server: waiting requests before 429 (0 = enough for the concurrency)")
    int maxQueue;

    @Spec
    CommandSpec spec;

    /** A fixed value or a uniform range MIN:MAX, both at least 1. */
    record Range(int min, int max) {
        int pick(SplittableRandom r) {
            return min == max ? min : min + r.nextInt(max - min + 1);
        }
    }

    Range range(String option, String value) {
        String[] parts = value.strip().split(":", -1);
        try {
            if (parts.length == 1 || parts.length == 2) {
                int lo = Integer.parseInt(parts[0].strip());
                int hi = Integer.parseInt(parts[parts.length - 1].strip());
                if (lo >= 1 && hi >= lo) return new Range(lo, hi);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), option + " must be N or MIN:MAX with 1 <= MIN <= MAX, got '" + value + "'");
    }

    private void validate() {
        if ((model == null) == (url == null)) throw new ParameterException(spec.commandLine(), "give either MODEL or --url");
        if (!endpoint.equals("chat") && !endpoint.equals("completions")) {
            throw new ParameterException(spec.commandLine(), "--endpoint must be chat or completions, got '" + endpoint + "'");
        }
        if (concurrency < 1) throw new ParameterException(spec.commandLine(), "--concurrency must be at least 1");
        if (requests < 1) throw new ParameterException(spec.commandLine(), "--requests must be at least 1");
        if (durationSeconds < 0) throw new ParameterException(spec.commandLine(), "--duration must be at least 0");
        if (!(disconnectFraction >= 0 && disconnectFraction <= 1)) {
            throw new ParameterException(spec.commandLine(), "--disconnect-fraction must be within 0..1");
        }
        if (maxQueue < 0 || timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 1, --max-queue at least 0");
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Range prompts = range("--prompt-tokens", promptTokens);
        Range outputs = range("--max-tokens", maxTokens);
        if (model != null && !Files.exists(model)) throw new IllegalArgumentException("no such model file or folder: " + model);
        Engine engine = null;
        CriaServer server = null;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build()) {
            String base;
            if (model != null) {
                // The in-process server's per-request log lines would drown the report (slf4j-simple reads this once, at first use).
                if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
                    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
                }
                int queue = maxQueue > 0 ? maxQueue : Math.max(64, concurrency);
                engine = engineFlags.open(model, engineFlags.options(queue, spec), dev.cria.loader.LoadProgress.NONE);
                server = CriaServer.start(engine, ServerOptions.defaults());
                base = "http://127.0.0.1:" + server.port();
            } else {
                base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            }
            String id = modelId != null ? modelId : LoadBenchClient.firstModel(http, base, apiKey);
            LoadBenchClient client = new LoadBenchClient(http, base, endpoint.equals("chat"), id, apiKey);
            if (!json) System.err.printf("cria bench-serve: %s at %s (%s), %s%n", id, base, endpoint, model != null ? "served in-process" : "remote");

            int warm = warmup >= 0 ? warmup : concurrency;
            if (warm > 0) run(client, http, base, "warmup", Math.min(concurrency, warm), warm, 0, prompts, outputs, -1_000_000, 0);
            List<LoadBenchReport> reports = new ArrayList<>();
            // The single pass gets the same lengths but other words (SINGLE_SALT): with the same prompts the
            // concurrent pass would find them all in the prefix cache and skip their prefill.
            if (compareSingle) reports.add(run(client, http, base, "single", 1, requests, durationSeconds, prompts, outputs, 0, SINGLE_SALT));
            reports.add(run(client, http, base, "concurrent", concurrency, requests, durationSeconds, prompts, outputs, 0, 0));
            print(reports, id, base);
            LoadBenchReport last = reports.getLast();
            if (last.failed() > 0 && !json) System.err.println("cria bench-serve: " + last.failed() + " request(s) failed; first: " + last.firstError());
            return 0;
        } finally {
            if (server != null) server.stop();
            if (engine != null) engine.close();
        }
    }

    /** Mixed into the prompt words' seed of the {@code --compare-single} pass. */
    static final long SINGLE_SALT = 0x5EED_5A17L;

    /**
     * The plan of request {@code index}: the same for a given seed whichever client sends it. The
     * lengths depend on the index only; {@code salt} changes the prompt's words.
     */
    LoadBenchClient.Plan plan(int index, Range prompts, Range outputs, long salt) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int words = prompts.pick(r);
        int max = outputs.pick(r);
        int drop = r.nextDouble() < disconnectFraction ? 1 + r.nextInt(Math.max(1, max / 2)) : -1;
        return new LoadBenchClient.Plan(index, words, max, drop, r.nextLong() ^ salt);
    }

    private LoadBenchReport run(LoadBenchClient client, HttpClient http, String base, String label, int clients, int count,
                                double seconds, Range prompts, Range outputs, int firstIndex, long salt) throws InterruptedException {
        Map<String, Double> before = LoadBenchClient.scrapeMetrics(http, base, METRICS);
        List<LoadBenchClient.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = seconds > 0 ? start + (long) (seconds * 1e9) : Long.MAX_VALUE;
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        List<Thread> threads = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().name("bench-client-" + c).start(() -> {
                while (true) {
                    int i = next.getAndIncrement();
                    if (seconds > 0 ? System.nanoTime() >= deadline : i >= count) return;
                    outcomes.add(client.run(plan(firstIndex + i, prompts, outputs, salt), timeout));
                }
            }));
        }
        for (Thread t : threads) t.join();
        double wall = (System.nanoTime() - start) / 1e9;
        Map<String, Double> after = awaitServerIdle(http, base);
        return LoadBenchReport.of(label, clients, List.copyOf(outcomes), wall, before, after);
    }

    /** Cria's counters once nothing runs any more (dropped streams are cancelled within a few steps), or after 5 s. */
    private static Map<String, Double> awaitServerIdle(HttpClient http, String base) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Map<String, Double> m = LoadBenchClient.scrapeMetrics(http, base, METRICS);
            if (m == null || System.nanoTime() > until
                    || (m.getOrDefault("cria_requests_running", 0.0) == 0 && m.getOrDefault("cria_requests_waiting", 0.0) == 0)) {
                return m;
            }
            Thread.sleep(10);
        }
    }

    private void print(List<LoadBenchReport> reports, String id, String base) {
        LoadBenchReport main = reports.getLast();
        LoadBenchReport single = compareSingle ? reports.getFirst() : null;
        double ratio = single == null || single.outputTokensPerSecond() == 0 ? Double.NaN
                : main.outputTokensPerSecond() / single.outputTokensPerSecond();
        if (json) {
            ObjectNode o = LoadBenchClient.JSON.createObjectNode();
            o.put("model", id);
            o.put("url", base);
            o.put("in_process", model != null);
            o.put("endpoint", endpoint);
            o.put("prompt_tokens", promptTokens);
            o.put("max_tokens", maxTokens);
            o.put("disconnect_fraction", disconnectFraction);
            o.put("seed", seed);
            o.setAll(main.json());
            if (single != null) {
                o.set("single", single.json());
                o.put("throughput_ratio", Math.round(ratio * 1000) / 1000.0);
            }
            System.out.println(o.toPrettyString());
            return;
        }
        LoadBenchReport.printTable(System.out, reports);
        if (single != null) System.out.printf(Locale.ROOT, "%nthroughput with %d clients / with 1: %.2fx%n", main.concurrency(), ratio);
        if (main.serverCancelled() != null) {
            System.out.printf(Locale.ROOT, "server: %d cancelled, %d preempted, %d KV blocks still held after the run; mean prompt %.0f tokens%n",
                    main.serverCancelled(), main.serverPreemptions(), main.kvBlocksUsedAfter(), main.meanPromptTokens());
        }
    }
}
