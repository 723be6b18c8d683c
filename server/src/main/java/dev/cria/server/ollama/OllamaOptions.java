package dev.cria.server.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.engine.GenerationRequest;
import dev.cria.sampling.SamplingParams;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.RequestFields;
import dev.cria.server.generation.GenerationSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request's {@code options} (Ollama's Modelfile parameters, docs/modelfile.md "Valid Parameters
 * and Values"). Sampling defaults are Ollama's: temperature 0.8, top_k 40, top_p 0.9. What the
 * engine does differently is refused, never ignored:
 * <ul>
 *   <li>{@code num_ctx} bounds the context of this request; it is the server's context
 *       ({@code --ctx-size}) when absent or larger. A prompt that does not fit is a 400 (Ollama would
 *       cut its start); the answer stops with {@code done_reason: "length"} when the context is full.</li>
 *   <li>{@code num_predict}: -1 or -2 = until the context is full; it is cut to the room left.</li>
 *   <li>{@code repeat_penalty} applies to every earlier token (prompt and answer): there is no
 *       window, so {@code repeat_last_n} may be only -1 (the whole context) or 0 (no penalty). Ollama's
 *       default penalty (1.1 over the last 64 tokens) is not applied.</li>
 *   <li>mirostat, typical_p and tfs_z sample in ways the engine does not: only their "off" values pass.</li>
 *   <li>Options about loading and hardware (num_gpu, num_thread, use_mmap, ...) are accepted and have
 *       no effect: the server was started with its own. Any other name is a 400.</li>
 * </ul>
 */
record OllamaOptions(SamplingParams sampling, List<String> stop, Integer numPredict, Integer numCtx) {
    /** Stop strings one request may give: each is matched against every token's text. */
    static final int MAX_STOP = 16;
    private static final Set<String> SAMPLING = Set.of("temperature", "top_p", "top_k", "min_p", "seed",
            "presence_penalty", "frequency_penalty", "repeat_penalty", "repeat_last_n", "num_predict", "num_ctx", "stop",
            "mirostat", "mirostat_tau", "mirostat_eta", "typical_p", "tfs_z");
    /** Accepted with no effect: they choose how the model is loaded and run, which the server's own options decide. */
    private static final Set<String> NO_EFFECT = Set.of("num_keep", "num_batch", "num_gpu", "main_gpu", "num_thread",
            "use_mmap", "use_mlock", "numa", "low_vram", "vocab_only", "f16_kv", "logits_all", "embedding_only",
            "rope_frequency_base", "rope_frequency_scale", "num_gqa", "penalize_newline");

    static OllamaOptions read(RequestFields body) {
        JsonNode v = body.get("options");
        if (v == null) v = body.node().objectNode();
        if (!(v instanceof ObjectNode options)) throw body.wrongType("options", "an object", v);
        RequestFields f = new RequestFields(options, body.param("options."));
        for (Map.Entry<String, JsonNode> e : options.properties()) {
            if (!SAMPLING.contains(e.getKey()) && !NO_EFFECT.contains(e.getKey())) {
                throw ApiError.badRequest("Unknown option '" + f.param(e.getKey()) + "'.", f.param(e.getKey()), "invalid_value");
            }
        }
        requireOff(f, "mirostat", 0);
        requireOff(f, "typical_p", 1);
        requireOff(f, "tfs_z", 1);
        double repeatPenalty = orElse(f.number("repeat_penalty", 0, 10), 1.0);
        if (repeatPenalty == 0) {
            throw ApiError.badRequest("Invalid 'options.repeat_penalty': must be greater than 0.", f.param("repeat_penalty"), "invalid_value");
        }
        Long lastN = f.integer("repeat_last_n", -1, Integer.MAX_VALUE);
        if (lastN != null && lastN > 0) {
            throw ApiError.badRequest("Invalid 'options.repeat_last_n': the repetition penalty here covers every earlier token, "
                    + "so only -1 (the whole context) or 0 (no penalty) is supported.", f.param("repeat_last_n"), "invalid_value");
        }
        if (lastN != null && lastN == 0) repeatPenalty = 1.0;
        SamplingParams sampling = new SamplingParams(
                orElse(f.number("temperature", 0, 2), 0.8),
                orElse(f.number("top_p", 0, 1), 0.9),
                orElse(f.integer("top_k", 0, Integer.MAX_VALUE), 40L).intValue(),
                orElse(f.number("min_p", 0, 1), 0.0),
                f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                orElse(f.number("presence_penalty", -2, 2), 0.0),
                orElse(f.number("frequency_penalty", -2, 2), 0.0),
                repeatPenalty, Map.of());
        Long numPredict = f.integer("num_predict", -2, Integer.MAX_VALUE);
        if (numPredict != null && numPredict == 0) {
            throw ApiError.badRequest("Invalid 'options.num_predict': expected a positive number of tokens, or -1 for no limit.",
                    f.param("num_predict"), "invalid_value");
        }
        Long numCtx = f.integer("num_ctx", 1, Integer.MAX_VALUE);
        return new OllamaOptions(sampling, stop(f), numPredict == null || numPredict < 0 ? null : numPredict.intValue(),
                numCtx == null ? null : numCtx.intValue());
    }

    /** The context of this request: the server's, or num_ctx when smaller. */
    int context(int serverContext) {
        return numCtx == null ? serverContext : Math.min(numCtx, serverContext);
    }

    /** The cheap check before tokenizing ({@link GenerationSettings#checkPromptCanFit}) against this request's context. */
    void checkPromptCanFit(long minPromptTokens, long promptBytes, int serverContext, String promptParam) {
        settings(null, false).checkPromptCanFit(minPromptTokens, promptBytes, context(serverContext), promptParam);
    }

    /** The one engine request for {@code prompt}: num_predict cut to the room the context leaves. */
    List<GenerationRequest> requests(int[] prompt, int serverContext, boolean stream, String promptParam) {
        int context = context(serverContext);
        Integer max = numPredict == null ? null : Math.min(numPredict, Math.max(1, context - prompt.length));
        return settings(max, stream).requests(prompt, context, -1, promptParam);
    }

    private GenerationSettings settings(Integer maxTokens, boolean stream) {
        return new GenerationSettings(maxTokens, "options.num_predict", sampling, stop, 1, stream, false, false);
    }

    private static void requireOff(RequestFields f, String name, double off) {
        JsonNode v = f.get(name);
        if (v == null) return;
        if (!v.isNumber()) throw f.wrongType(name, "a number", v);
        if (v.doubleValue() != off) {
            throw ApiError.badRequest("Invalid '" + f.param(name) + "': " + name + " sampling is not supported; leave it out or set it to "
                    + (off == Math.rint(off) ? Long.toString((long) off) : Double.toString(off)) + ".", f.param(name), "invalid_value");
        }
    }

    private static List<String> stop(RequestFields f) {
        JsonNode v = f.get("stop");
        if (v == null) return List.of();
        if (!v.isArray()) throw f.wrongType("stop", "an array of strings", v);
        if (v.size() > MAX_STOP) {
            throw ApiError.badRequest("Invalid '" + f.param("stop") + "': at most " + MAX_STOP + " stop strings, got " + v.size() + ".",
                    f.param("stop"), "array_above_max_length");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode s : v) {
            if (!s.isTextual()) throw f.wrongType("stop", "an array of strings", v);
            if (!s.textValue().isEmpty()) out.add(s.textValue());
        }
        return out;
    }

    private static <T> T orElse(T v, T dflt) {
        return v == null ? dflt : v;
    }
}
