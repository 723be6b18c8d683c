package dev.cria.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cria.engine.TokenLogprob;
import dev.cria.server.api.ApiStyle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The response objects of the OpenAI API, field for field (API reference: "The chat completion
 * object", "The chat completion chunk object", "The completion object", "The model object").
 * Components are camelCase; {@link dev.cria.server.ApiJson} writes them in snake_case.
 */
public final class OpenAiShapes {
    private OpenAiShapes() {
    }

    /** {@code prompt_filter_results} (Azure OpenAI's) is absent where content filter results are not reported. */
    public record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices,
                                 Usage usage, String systemFingerprint,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) Object promptFilterResults) {
    }

    /** {@code content_filter_results} (Azure OpenAI's) is absent where content filter results are not reported. */
    public record ChatChoice(int index, Message message, ChatLogprobs logprobs, String finishReason,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Object contentFilterResults) {
    }

    /** {@code content} is null when the answer is a tool call; {@code tool_calls} is absent when there are none. */
    public record Message(String role, String content, Object refusal,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {
    }

    /**
     * {@code index} appears only in stream deltas; a delta that continues a call's arguments carries
     * only {@code index} and {@code function.arguments}, as OpenAI streams them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolCall(Integer index, String id, String type, Function function) {
    }

    /** {@code arguments} is a JSON document in a string, as OpenAI sends it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Function(String name, String arguments) {
    }

    public record ChatLogprobs(List<LogprobEntry> content, Object refusal) {
    }

    public record LogprobEntry(String token, double logprob, int[] bytes, List<TopLogprob> topLogprobs) {
    }

    public record TopLogprob(String token, double logprob, int[] bytes) {
    }

    /** {@code usage} is absent without stream_options.include_usage, null before the last chunk with it. */
    public record ChatChunk(String id, String object, long created, String model, String systemFingerprint,
                            List<ChunkChoice> choices, @JsonInclude(JsonInclude.Include.NON_NULL) Object usage,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Object promptFilterResults) {
        public ChatChunk(String id, String object, long created, String model, String systemFingerprint,
                         List<ChunkChoice> choices, Object usage) {
            this(id, object, created, model, systemFingerprint, choices, usage, null);
        }
    }

    public record ChunkChoice(int index, Delta delta, ChatLogprobs logprobs, String finishReason,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Object contentFilterResults) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, List<ToolCall> toolCalls) {
    }

    /**
     * Also the stream chunk of /v1/completions (same object name, as OpenAI streams it).
     * {@code prompt_filter_results} (Azure OpenAI's) is absent where content filter results are not reported.
     */
    public record Completion(String id, String object, long created, String model, List<CompletionChoice> choices,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Object usage, String systemFingerprint,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Object promptFilterResults) {
        public Completion(String id, String object, long created, String model, List<CompletionChoice> choices,
                          Object usage, String systemFingerprint) {
            this(id, object, created, model, choices, usage, systemFingerprint, null);
        }
    }

    public record CompletionChoice(String text, int index, CompletionLogprobs logprobs, String finishReason,
                                   @JsonInclude(JsonInclude.Include.NON_NULL) Object contentFilterResults) {
        public CompletionChoice(String text, int index, CompletionLogprobs logprobs, String finishReason) {
            this(text, index, logprobs, finishReason, null);
        }
    }

    /** The legacy completions logprobs object: parallel arrays, {@code top_logprobs} maps token text → logprob. */
    public record CompletionLogprobs(List<String> tokens, List<Double> tokenLogprobs,
                                     List<Map<String, Double>> topLogprobs, List<Integer> textOffset) {
    }

    public record Usage(int promptTokens, int completionTokens, int totalTokens, PromptTokensDetails promptTokensDetails,
                        CompletionTokensDetails completionTokensDetails) {
    }

    public record PromptTokensDetails(int cachedTokens, int audioTokens) {
    }

    public record CompletionTokensDetails(int reasoningTokens, int audioTokens, int acceptedPredictionTokens,
                                          int rejectedPredictionTokens) {
    }

    public record Model(String id, String object, long created, String ownedBy) {
    }

    public record ModelList(String object, List<Model> data) {
    }

    /** The JSON null that a stream chunk carries as {@code usage} before the usage chunk. */
    public static final Object USAGE_PENDING = NullNode.instance;

    public static Usage usage(ApiStyle style, int prompt, int completion, int cached) {
        return style.usageDetails()
                ? new Usage(prompt, completion, prompt + completion, new PromptTokensDetails(cached, 0),
                new CompletionTokensDetails(0, 0, 0, 0))
                : new Usage(prompt, completion, prompt + completion, null, null);
    }

    /** A token's bytes as OpenAI's {@code bytes}: unsigned integers (the UTF-8 of the token, possibly partial). */
    public static int[] unsigned(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = bytes[i] & 0xFF;
        return out;
    }

    /** The text of a token's bytes; a partial UTF-8 sequence shows as U+FFFD (exact bytes are in {@code bytes}). */
    public static String tokenText(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Chat logprob entries; {@code top_logprobs} is [] when alternatives were not asked for (topLogprobs 0). */
    public static List<LogprobEntry> entries(List<TokenLogprob> lps) {
        List<LogprobEntry> out = new ArrayList<>(lps.size());
        for (TokenLogprob lp : lps) {
            List<TopLogprob> top = new ArrayList<>(lp.top().size());
            for (TokenLogprob.Alternative a : lp.top()) {
                top.add(new TopLogprob(tokenText(a.bytes()), a.logprob(), unsigned(a.bytes())));
            }
            out.add(new LogprobEntry(tokenText(lp.bytes()), lp.logprob(), unsigned(lp.bytes()), top));
        }
        return out;
    }

    /** Legacy completions logprobs over the tokens of one choice; offsets count chars from {@code startOffset}. */
    public static CompletionLogprobs completionLogprobs(List<TokenLogprob> lps, int startOffset) {
        List<String> tokens = new ArrayList<>(lps.size());
        List<Double> logprobs = new ArrayList<>(lps.size());
        List<Map<String, Double>> top = new ArrayList<>(lps.size());
        List<Integer> offsets = new ArrayList<>(lps.size());
        int offset = startOffset;
        for (TokenLogprob lp : lps) {
            String t = tokenText(lp.bytes());
            tokens.add(t);
            logprobs.add(lp.logprob());
            Map<String, Double> alts = new LinkedHashMap<>();
            for (TokenLogprob.Alternative a : lp.top()) alts.putIfAbsent(tokenText(a.bytes()), a.logprob());
            top.add(alts);
            offsets.add(offset);
            offset += t.length();
        }
        return new CompletionLogprobs(tokens, logprobs, top, offsets);
    }
}
