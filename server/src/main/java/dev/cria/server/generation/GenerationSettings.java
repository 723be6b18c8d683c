package dev.cria.server.generation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.engine.GenerationRequest;
import dev.cria.sampling.SamplingParams;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.RequestFields;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The generation fields chat and text completions share, read and range-checked as the OpenAI API
 * documents them (temperature 0..2, top_p 0..1, penalties -2..2, n 1..128, up to 4 stop strings,
 * logit_bias -100..100), plus the sampler extensions vLLM and llama.cpp accept (top_k, min_p,
 * repetition_penalty, ignore_eos).
 *
 * @param maxTokens    null = up to the end of the context
 * @param maxTokensParam which field set it (for errors)
 */
public record GenerationSettings(Integer maxTokens, String maxTokensParam, SamplingParams sampling, List<String> stop,
                                 int n, boolean stream, boolean includeUsage, boolean ignoreEos) {
    public static final int MAX_N = 128;
    /**
     * Choices one request may ask for in all (prompts × n). The engine queues a request's choices as
     * one unit, so this is what bounds the sequences, memory and event threads one request can hold.
     */
    public static final int MAX_CHOICES = 128;

    /**
     * @param maxTokensFields the fields that may carry the limit, preferred first
     *                        (chat: max_completion_tokens then max_tokens)
     * @param defaultMaxTokens used when none is given (null = rest of the context)
     */
    public static GenerationSettings read(RequestFields f, int vocabSize, List<String> maxTokensFields,
                                          Integer defaultMaxTokens) {
        Integer maxTokens = defaultMaxTokens;
        String maxTokensParam = maxTokensFields.getFirst();
        boolean found = false;
        // Every field present is validated, also one that loses to a preferred one: a wrong value is a 400 either way.
        for (String field : maxTokensFields) {
            Long v = f.integer(field, 1, Integer.MAX_VALUE);
            if (v != null && !found) {
                found = true;
                maxTokens = v.intValue();
                maxTokensParam = f.param(field);
            }
        }
        double temperature = orElse(f.number("temperature", 0, 2), 1.0);
        double topP = orElse(f.number("top_p", 0, 1), 1.0);
        Long topK = f.integer("top_k", -1, Integer.MAX_VALUE);
        double minP = orElse(f.number("min_p", 0, 1), 0.0);
        Long seed = f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        double presence = orElse(f.number("presence_penalty", -2, 2), 0.0);
        double frequency = orElse(f.number("frequency_penalty", -2, 2), 0.0);
        Double repetition = f.number("repetition_penalty", 0, 10);
        if (repetition != null && repetition == 0) {
            throw ApiError.badRequest("Invalid 'repetition_penalty': must be greater than 0.", f.param("repetition_penalty"), "invalid_value");
        }
        Map<Integer, Double> bias = logitBias(f, vocabSize);
        int n = orElse(f.integer("n", 1, MAX_N), 1L).intValue();
        List<String> stop = stop(f);
        boolean stream = f.bool("stream", false);
        boolean includeUsage = false;
        JsonNode so = f.get("stream_options");
        if (so != null) {
            if (!stream) {
                throw ApiError.badRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                        f.param("stream_options"));
            }
            if (!so.isObject()) throw f.wrongType("stream_options", "an object", so);
            JsonNode iu = so.get("include_usage");
            if (iu != null && !iu.isNull()) {
                if (!iu.isBoolean()) {
                    throw ApiError.badRequest("Invalid type for 'stream_options.include_usage': expected a boolean, but got "
                            + RequestFields.describe(iu) + " instead.", f.param("stream_options.include_usage"), "invalid_type");
                }
                includeUsage = iu.booleanValue();
            }
        }
        boolean ignoreEos = f.bool("ignore_eos", false);
        SamplingParams sampling = new SamplingParams(temperature, topP, topK == null ? 0 : topK.intValue(), minP, seed,
                presence, frequency, repetition == null ? 1.0 : repetition, bias);
        return new GenerationSettings(maxTokens, maxTokensParam, sampling, stop, n, stream, includeUsage, ignoreEos);
    }

    private static List<String> stop(RequestFields f) {
        JsonNode v = f.get("stop");
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            if (!v.textValue().isEmpty()) out.add(v.textValue());
            return out;
        }
        if (!v.isArray()) throw f.wrongType("stop", "a string or an array of strings", v);
        if (v.size() > 4) {
            throw ApiError.badRequest("Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length "
                    + v.size() + " instead.", f.param("stop"), "array_above_max_length");
        }
        for (JsonNode s : v) {
            if (!s.isTextual()) throw f.wrongType("stop", "a string or an array of strings", v);
            if (!s.textValue().isEmpty()) out.add(s.textValue());
        }
        return out;
    }

    private static Map<Integer, Double> logitBias(RequestFields f, int vocabSize) {
        JsonNode v = f.get("logit_bias");
        if (v == null) return Map.of();
        if (!v.isObject()) throw f.wrongType("logit_bias", "an object", v);
        Map<Integer, Double> bias = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw ApiError.badRequest("Invalid key in 'logit_bias': " + e.getKey() + " is not a token id.", f.param("logit_bias"));
            }
            if (id < 0 || id >= vocabSize) {
                throw ApiError.badRequest("Invalid key in 'logit_bias': token id " + id + " is outside the vocabulary (0.."
                        + (vocabSize - 1) + ").", f.param("logit_bias"));
            }
            JsonNode b = e.getValue();
            if (!b.isNumber() || b.doubleValue() < -100 || b.doubleValue() > 100) {
                throw ApiError.badRequest("Invalid value in 'logit_bias' for token " + id + ": expected a number from -100 to 100.",
                        f.param("logit_bias"));
            }
            bias.put(id, b.doubleValue());
        }
        return bias;
    }

    /**
     * The n engine requests for one prompt. Choice i samples with seed + i so that n choices are
     * independent yet the whole answer is reproducible for a given seed. A prompt that leaves no
     * room, or a max_tokens that does not fit after it, is a 400 context_length_exceeded (as OpenAI
     * answers: it does not silently shorten the request).
     */
    public List<GenerationRequest> requests(int[] prompt, int contextLength, int topLogprobs, String promptParam) {
        if (prompt.length >= contextLength) {
            throw ApiError.contextLengthExceeded("This model's maximum context length is " + contextLength
                    + " tokens. However, your prompt is " + prompt.length + " tokens long, leaving no room for a completion. "
                    + "Please reduce the length of the " + promptParam + ".", promptParam);
        }
        int room = contextLength - prompt.length;
        int max = maxTokens == null ? room : maxTokens;
        if (max > room) {
            throw ApiError.contextLengthExceeded("This model's maximum context length is " + contextLength
                    + " tokens. However, you requested " + (prompt.length + (long) max) + " tokens (" + prompt.length
                    + " in the " + promptParam + ", " + max + " in the completion). Please reduce the length of the "
                    + promptParam + " or completion.", maxTokensParam);
        }
        List<GenerationRequest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SamplingParams s = sampling;
            if (s.seed() != null && i > 0) {
                s = new SamplingParams(s.temperature(), s.topP(), s.topK(), s.minP(), s.seed() + i, s.presencePenalty(),
                        s.frequencyPenalty(), s.repetitionPenalty(), s.logitBias());
            }
            out.add(new GenerationRequest(prompt, s, max, stop, ignoreEos, topLogprobs));
        }
        return out;
    }

    /**
     * The checks of {@link #requests} on a lower bound of the prompt's length ({@link PromptBound}),
     * before it is tokenized: a prompt at least {@code minPromptTokens} long that leaves no room, or
     * no room for max_tokens, is a 400 context_length_exceeded now. The exact check still follows.
     */
    public void checkPromptCanFit(long minPromptTokens, long promptBytes, int contextLength, String promptParam) {
        if (minPromptTokens >= contextLength) {
            throw ApiError.contextLengthExceeded("This model's maximum context length is " + contextLength
                    + " tokens. However, your prompt is at least " + minPromptTokens + " tokens long (" + promptBytes
                    + " bytes of text), leaving no room for a completion. Please reduce the length of the " + promptParam + ".",
                    promptParam);
        }
        if (maxTokens != null && minPromptTokens + maxTokens > contextLength) {
            throw ApiError.contextLengthExceeded("This model's maximum context length is " + contextLength
                    + " tokens. However, you requested at least " + (minPromptTokens + maxTokens) + " tokens (at least "
                    + minPromptTokens + " in the " + promptParam + ", " + maxTokens + " in the completion). Please reduce the "
                    + "length of the " + promptParam + " or completion.", maxTokensParam);
        }
    }

    /** A 400 naming {@code promptParam} when {@code prompts} prompts with n choices each exceed {@link #MAX_CHOICES}. */
    public void checkChoices(int prompts, String promptParam) {
        long choices = (long) prompts * n;
        if (choices > MAX_CHOICES) {
            throw ApiError.badRequest("Invalid '" + promptParam + "': " + prompts + " prompts with n = " + n + " make " + choices
                    + " choices, but a request may ask for at most " + MAX_CHOICES + " (prompts × n). Please split the request.",
                    promptParam, "invalid_value");
        }
    }

    private static <T> T orElse(T v, T dflt) {
        return v == null ? dflt : v;
    }
}
