package dev.cria.server.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.GenerationRequest;
import dev.cria.grammar.TokenGrammar;
import dev.cria.sampling.SamplingParams;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiStyle;
import dev.cria.server.api.RequestFields;
import dev.cria.server.api.ServedModels;
import dev.cria.server.generation.GenerationSettings;
import dev.cria.server.generation.PromptBound;
import dev.cria.server.structured.CompiledGrammars;
import dev.cria.server.structured.OutputConstraint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validated Messages request, rendered and tokenized: what {@code POST /v1/messages} submits and
 * {@code /v1/messages/count_tokens} counts. Fields as the API reference ("Create a Message")
 * defines them: {@code model}, {@code messages}, {@code system}, {@code max_tokens} (required),
 * {@code stop_sequences}, {@code temperature} (0..1), {@code top_p}, {@code top_k}, {@code tools},
 * {@code tool_choice} ({@link AnthropicTools}), {@code stream}. Fields that change nothing here
 * ({@code metadata}, {@code thinking}, {@code service_tier}, {@code cache_control} on blocks) are
 * accepted and ignored.
 *
 * <p>When tool_choice obliges a call, the stop sequences are not given to the engine: they end text,
 * and cutting an obliged call would break the promise that the answer is a valid call.
 *
 * @param messages     the conversation as the engine's chat messages (what the content filter judges)
 * @param tools        the function tools rendered into the prompt; empty = the answer is never a tool call
 * @param oneToolUse   {@code disable_parallel_tool_use}: at most one tool_use block
 * @param grammar      the grammar of the calls tool_choice obliges, or null
 */
record MessagesRequest(String model, List<ChatMessage> messages, int[] prompt, List<Object> tools, List<String> stopSequences,
                       GenerationSettings settings, boolean oneToolUse, TokenGrammar grammar) {

    /** A request to generate from: everything validated, {@code max_tokens} required. */
    static MessagesRequest create(Engine engine, ServedModels models, ObjectNode body) {
        RequestFields f = RequestFields.of(body);
        String model = models.resolve(f.requiredString("model"), ApiStyle.OPENAI);
        List<ChatMessage> messages = AnthropicConversation.read(f);
        AnthropicTools tools = AnthropicTools.read(f);
        OutputConstraint calls = tools.obligedCalls();
        Long maxTokens = f.integer("max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) throw ApiError.badRequest("max_tokens: Field required", "max_tokens");
        List<String> sentStops = stopSequences(f);
        List<String> stops = calls == null ? sentStops : List.of();
        SamplingParams sampling = new SamplingParams(orElse(f.number("temperature", 0, 1), 1.0),
                orElse(f.number("top_p", 0, 1), 1.0), orElse(f.integer("top_k", 0, Integer.MAX_VALUE), 0L).intValue(),
                0.0, null, 0.0, 0.0, 1.0, Map.of());
        GenerationSettings settings = new GenerationSettings(maxTokens.intValue(), "max_tokens", sampling, stops, 1,
                f.bool("stream", false), false, false);
        long contentBytes = PromptBound.chatContentBytes(messages);
        settings.checkPromptCanFit(PromptBound.minTokens(contentBytes, engine.longestTokenBytes()), contentBytes,
                engine.info().contextLength(), "messages");
        int[] prompt = render(engine, messages, tools.rendered());
        TokenGrammar grammar = calls == null ? null : CompiledGrammars.compile(engine, calls);
        return new MessagesRequest(model, messages, prompt, tools.rendered(), stops, settings, tools.oneToolUse(), grammar);
    }

    /** A request to count: what shapes the prompt (model, system, messages, tools, tool_choice), no max_tokens. */
    static MessagesRequest count(Engine engine, ServedModels models, ObjectNode body) {
        RequestFields f = RequestFields.of(body);
        String model = models.resolve(f.requiredString("model"), ApiStyle.OPENAI);
        List<ChatMessage> messages = AnthropicConversation.read(f);
        List<Object> tools = AnthropicTools.read(f).rendered();
        return new MessagesRequest(model, messages, render(engine, messages, tools), tools, List.of(), null, false, null);
    }

    private static int[] render(Engine engine, List<ChatMessage> messages, List<Object> tools) {
        try {
            // No tools is null, never []: the Llama 3.2 template would print its tool preamble for [].
            return engine.renderChat(messages, tools.isEmpty() ? null : tools, true);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("messages: " + e.getMessage(), "messages");
        }
    }

    /**
     * The engine request. With stop sequences it asks for each sampled token's logprob (no
     * alternatives): the engine reports a stop string only as "stop", and the tokens' bytes are how
     * {@link StopSequences} tells which one it cut at (Anthropic's {@code stop_sequence}).
     */
    List<GenerationRequest> engineRequests(int contextLength) {
        List<GenerationRequest> requests = settings.requests(prompt, contextLength, stopSequences.isEmpty() ? -1 : 0, "messages");
        return grammar == null ? requests : requests.stream().map(r -> r.withGrammar(grammar)).toList();
    }

    /** Whether tool_choice obliges a call, so that the answer is tool_use blocks from its first token. */
    boolean obligedCalls() {
        return grammar != null;
    }

    boolean stream() {
        return settings.stream();
    }

    private static List<String> stopSequences(RequestFields f) {
        JsonNode v = f.get("stop_sequences");
        if (v == null) return List.of();
        if (!v.isArray()) throw f.wrongType("stop_sequences", "an array of strings", v);
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode s = v.get(i);
            if (!s.isTextual() || s.textValue().isEmpty()) {
                throw AnthropicConversation.invalid("stop_sequences." + i, "expected a non-empty string");
            }
            out.add(s.textValue());
        }
        return out;
    }

    private static <T> T orElse(T v, T dflt) {
        return v == null ? dflt : v;
    }
}
