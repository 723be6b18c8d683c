package dev.cria.cli;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.guard.GuardTemplate;
import dev.cria.guard.LlamaGuard;
import dev.cria.kv.KvType;
import dev.cria.loader.ModelLoader;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.GuardFilter;
import dev.cria.server.safety.GuardPolicy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cria serve}'s content filtering flags (docs/safety.md): a Llama Guard 3 model beside the
 * served one, which categories block, how often a stream is checked, and where results show.
 */
final class GuardFlags {
    /** Checks waiting for the Guard before one is refused (and reported as not filtered): far above the main queue. */
    static final int GUARD_QUEUE = 1024;
    /** The Guard's KV pool: 512 MiB of f16 is 16384 tokens of a 1B model (32 KiB each): two full contexts, or many short checks. */
    static final long GUARD_KV_BYTES = 512L << 20;

    @Option(names = "--guard", paramLabel = "MODEL", description = "Llama Guard 3 1B (GGUF file, folder or Hub name): judge prompts and answers; see docs/safety.md")
    Path guard;

    @Option(names = "--guard-policy", defaultValue = "all", description = "Llama Guard categories that block: all, none, or S1,S9,... (default ${DEFAULT-VALUE}); others are reported only")
    String policy;

    @Option(names = "--guard-exclude", description = "Categories left out of the Guard's prompt (its excluded_category_keys), e.g. S6,S13")
    String exclude;

    @Option(names = "--guard-interval", defaultValue = "32", description = "Tokens of a streamed answer between two checks (default ${DEFAULT-VALUE}); text is sent once checked")
    int interval;

    @Option(names = "--content-filter-v1", description = "Also report content_filter_results under /v1 (always under /v3/openai)")
    boolean onV1;

    /** The server's content filtering these flags describe (its filter is loaded by {@link #load}); a bad value is exit 2. */
    ContentSafety safety(CommandSpec spec) {
        if (interval < 1) throw new ParameterException(spec.commandLine(), "--guard-interval must be at least 1, got " + interval);
        GuardPolicy p;
        try {
            p = GuardPolicy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--guard-policy': " + e.getMessage());
        }
        excluded(spec);
        return new ContentSafety(p, onV1, interval);
    }

    private List<String> excluded(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        if (exclude == null || exclude.isBlank()) return out;
        try {
            out.addAll(GuardPolicy.parse(exclude).blocking());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--guard-exclude': " + e.getMessage());
        }
        return out;
    }

    /** Resolves a Hub name for --guard (pulled on first use), like MODEL. */
    void resolveModel() {
        if (guard != null) guard = HubModels.localModel(guard);
    }

    /**
     * Loads the Guard beside {@code main} (sharing its compute threads, with its own small f16 KV
     * pool of 512 MiB) and readies {@code safety}; nothing without --guard. Prints which template it renders.
     */
    void load(ContentSafety safety, Engine main, EngineOptions mainOptions, CommandSpec spec) {
        if (guard == null) return;
        GuardTemplate template;
        try {
            template = GuardTemplate.fromCarried(ModelLoader.chatTemplate(guard));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--guard " + guard + ": " + e.getMessage());
        }
        // Context 0: min(8192, the Guard's own), as long as the served model's default context, so the
        // template (~200 tokens) and most conversations fit; a longer one loses its oldest turns first.
        // At most half the heap the served model left free, as a default pool is: the Guard never
        // fails to load for want of heap, its context shrinks instead (the engine reports that).
        Runtime rt = Runtime.getRuntime();
        long room = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        EngineOptions options = new EngineOptions(0, mainOptions.threads(), GUARD_QUEUE, mainOptions.parallel(),
                Math.min(GUARD_KV_BYTES, room / 2), KvType.F16, mainOptions.activations());
        Engine engine = ModelLoader.openEngine(guard, options, main);
        try {
            LlamaGuard lg = new LlamaGuard(engine, template, excluded(spec), null);
            safety.ready(new GuardFilter(lg, safety.policy()), engine);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        List<String> blocking = safety.policy().blocking().stream()
                .sorted(java.util.Comparator.comparingInt(s -> Integer.parseInt(s.substring(1)))).toList();
        String blocks = blocking.isEmpty() ? "none" : safety.policy().equals(GuardPolicy.ALL) ? "all" : String.join(",", blocking);
        System.err.println("cria: content filter: " + guard.getFileName() + "; Llama Guard 3 template: " + template.source()
                + "; " + template.categories().size() + " categories; blocking " + blocks);
    }
}
